import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DRILL_CREDENTIALS, DRILL_REGION } from '../aws/drill.js';
import { packagePath } from '../paths.js';

/** This package's own CLI: the drill runs drp exactly as an on-call engineer would. */
export const DRP_CLI = packagePath('dist/cli.js');

/**
 * The whole environment of every drp the drill starts, built from nothing: no AWS_PROFILE, no
 * real key, no SSO cache, no ~/.aws files (HOME and the AWS file variables point into the drill's
 * directory), and the emulator as the endpoint twice over (flag and variable).
 */
export function drillChildEnv(endpoint: string, dir: string): NodeJS.ProcessEnv {
  const home = join(dir, 'home');
  return {
    ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_ACCESS_KEY_ID: DRILL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DRILL_CREDENTIALS.secretAccessKey,
    AWS_REGION: DRILL_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  env: NodeJS.ProcessEnv;
  /** Each complete line of stdout / stderr, as it arrives. */
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Aborting sends the child SIGTERM (the drill was interrupted). */
  signal?: AbortSignal;
}

/** Calls `onLine` with each complete line of a stream; the unterminated rest at `flush`. */
function lineSplitter(onLine?: (line: string) => void) {
  let all = '';
  let pending = '';
  return {
    push(chunk: Buffer) {
      const text = chunk.toString('utf8');
      all += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    },
    flush() {
      if (pending) onLine?.(pending);
      pending = '';
      return all;
    },
  };
}

/** Runs `node dist/cli.js ...args` with exactly `env`, stdin closed. */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DRP_CLI, ...args], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    const out = lineSplitter(options.onStdout);
    const err = lineSplitter(options.onStderr);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).name !== 'AbortError') reject(e);
    });
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: out.flush(), stderr: err.flush(), ms: Date.now() - started }),
    );
  });
}
