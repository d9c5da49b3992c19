import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DRP_BIN = resolve(import.meta.dirname, '../../dist/cli.js');

export interface DrpResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface DrpOptions {
  endpoint?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** A scratch directory for one test: evidence, keys, runbooks. */
export const scratch = (prefix = 'drp-test-') => mkdtempSync(join(tmpdir(), prefix));

/**
 * The environment a responder would have against the emulator: fake credentials, a region, a
 * signing key dir of its own, and --endpoint-url added by runDrp (not AWS_ENDPOINT_URL, so the
 * flag path is what is tested; one test covers the variable).
 */
export function drpEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    XDG_CONFIG_HOME: scratch('drp-xdg-'),
    ...extra,
  };
}

/** A running drp: the child (to signal), and its exit with everything it printed. */
export interface RunningDrp {
  child: ChildProcessWithoutNullStreams;
  done: Promise<DrpResult>;
}

/** Spawns the built binary (`dist/cli.js`), as an operator would; `done` settles when it exits. */
export function startDrp(args: string[], options: DrpOptions = {}): RunningDrp {
  const argv = options.endpoint ? ['--endpoint-url', options.endpoint, ...args] : args;
  const child = spawn(process.execPath, [DRP_BIN, ...argv], {
    cwd: options.cwd,
    env: options.env ?? drpEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const done = new Promise<DrpResult>((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  child.stdin.end(options.input ?? '');
  return { child, done };
}

/** Spawns the built binary and collects its output. */
export function runDrp(args: string[], options: DrpOptions = {}): Promise<DrpResult> {
  return startDrp(args, options).done;
}
