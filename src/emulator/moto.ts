import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';

/** The Python launcher that patches moto's two gaps (see its docstring), shipped with drp. */
export const MOTO_LAUNCHER = packagePath('test/support/moto-launcher.py');

export const INSTALL_HINT =
  "moto_server is not installed: run `pip install 'moto[server]'` (moto 5.2 or newer) and try again";

export interface Emulator {
  url: string;
  pid: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** The Python that has moto: $DRP_MOTO_PYTHON, else python3. */
export function motoPython(env: NodeJS.ProcessEnv = process.env): string {
  const python = env.DRP_MOTO_PYTHON || 'python3';
  const probe = spawnSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' });
  if (probe.status !== 0) throw new UserError(INSTALL_HINT);
  return python;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited with code ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer ${url}/moto-api/ within ${timeoutMs} ms`);
}

export interface MotoOptions {
  timeoutMs?: number;
  log?: (line: string) => void;
  /**
   * moto's stderr goes to this file, and moto runs in a process group of its own: a Ctrl-C at the
   * terminal reaches drp, which stops moto itself, and a moto left running (`drp drill --keep`)
   * has no pipe to a process that has exited.
   */
  logFile?: string;
  /**
   * false: moto writes no server access log object per request (test/support/moto-launcher.py);
   * the log bucket holds only what was put there, as S3's delayed delivery would leave it.
   */
  requestLogs?: boolean;
  /** The Python that has moto, when the caller already checked it (motoPython()). */
  python?: string;
}

/** Starts moto (through the launcher) on a free loopback port and waits until it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<Emulator> {
  const python = options.python ?? motoPython();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFd = options.logFile ? openSync(options.logFile, 'a', 0o600) : undefined;
  const child = spawn(python, [MOTO_LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', logFd ?? 'pipe'],
    detached: logFd !== undefined,
    env: options.requestLogs === false ? { ...process.env, DRP_MOTO_REQUEST_LOGS: 'off' } : process.env,
  });
  if (logFd !== undefined) closeSync(logFd);
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 50) stderr.shift();
    options.log?.(d.toString());
  });
  try {
    await waitReady(url, child, options.timeoutMs ?? 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    const output = options.logFile ? readFileSync(options.logFile, 'utf8') : stderr.join('');
    throw new Error(`${(err as Error).message}\n${output.slice(-2000)}`, { cause: err });
  }
  return {
    url,
    pid: child.pid!,
    async reset() {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
