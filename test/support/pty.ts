import { spawn } from 'node:child_process';
import { DRP_BIN, drpEnv } from './drp.js';

/** A word for `sh -c`. */
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export interface PtyDrp {
  /** Types into the terminal: 'y\r', '\x03' (Ctrl-C). */
  type(keys: string): void;
  /** Everything the terminal showed so far (stdout and stderr, as a person sees them). */
  screen(): string;
  /** Resolves once the screen matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<{ code: number | null; screen: string }>;
}

/**
 * Runs the built drp on a real pseudo-terminal (util-linux `script`), as an operator's shell
 * would: stdin and stdout are a TTY of `columns` columns, and Ctrl-C typed into it reaches drp as
 * the terminal's SIGINT (or, at a prompt, as the ^C readline reads).
 */
export function startDrpInPty(
  args: string[],
  options: { endpoint?: string; env?: NodeJS.ProcessEnv; cwd?: string; columns?: number } = {},
): PtyDrp {
  const argv = options.endpoint ? ['--endpoint-url', options.endpoint, ...args] : args;
  const command = `stty cols ${options.columns ?? 100} rows 40; exec ${[process.execPath, DRP_BIN, ...argv].map(sh).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: options.env ?? drpEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    screen += d.toString();
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const w of waiters) w();
      resolve({ code, screen });
    });
  });
  return {
    type: (keys) => void child.stdin.write(keys),
    screen: () => screen,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} on the terminal:\n${screen}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(screen)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`drp exited (${child.exitCode}) before ${pattern} appeared:\n${screen}`));
          }
        };
        waiters.add(check);
        check();
      }),
    done,
  };
}
