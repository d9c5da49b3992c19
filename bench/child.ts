import { spawn, spawnSync } from 'node:child_process';

/** What one contender's process cost: wall time, CPU time and peak memory. */
export interface ChildRun {
  code: number | null;
  wallSeconds: number;
  /** User + system CPU seconds of the process (from GNU time), when known. */
  cpuSeconds?: number;
  peakRssMB?: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
const MARK = 'BENCH-TIME';

/**
 * Runs a command to completion under GNU time (when installed) so that node, python and the AWS
 * CLI are measured the same way: wall clock from spawn to exit, CPU seconds, peak RSS.
 */
export function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<ChildRun> {
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', `${MARK} %U %S %M`, command, ...args]] : [command, args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      const m = new RegExp(`^${MARK} ([\\d.]+) ([\\d.]+) (\\d+)$`, 'm').exec(stderr);
      resolve({
        code,
        wallSeconds,
        cpuSeconds: m ? Number(m[1]) + Number(m[2]) : undefined,
        peakRssMB: m ? Math.round(Number(m[3]) / 1024) : undefined,
        stdout,
        stderr: stderr.replace(new RegExp(`^${MARK} .*$\\n?`, 'm'), ''),
      });
    });
  });
}

/** The last few lines of a failed child's output, for the report. */
export const tail = (run: ChildRun, lines = 6) =>
  `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-lines).join('\n');
