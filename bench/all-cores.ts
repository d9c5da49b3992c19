import { cpus } from 'node:os';
import { runChild, type ChildRun } from './child.js';

/**
 * The bare SDK loop on every core: one `limit.js` process per core, started together, each
 * listing the same bucket and working every n-th item (`--shard i --shards n`). The calls in flight
 * are split between them, so the total, and with it the latency bound, is the one-process loop's:
 * what differs is only that n event loops share the CPU work of the SDK (about 1.4 ms per call,
 * which caps one Node process well below the latency bound).
 *
 * As one contender: wall time from the first start to the last exit, CPU seconds summed, and the
 * peak RSS of each process summed (the processes peak together, as one would at the same load).
 */
export async function limitAllCores(
  limitArgs: string[],
  concurrency: number,
  env: NodeJS.ProcessEnv,
  cwd: string,
  processes = cpus().length,
): Promise<ChildRun> {
  const perProcess = Math.max(1, Math.ceil(concurrency / processes));
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: processes }, (_, shard) =>
      runChild(
        process.execPath,
        // limit.js parses its flags with the last value counting: these come last.
        [
          ...limitArgs,
          '--concurrency',
          String(perProcess),
          '--shard',
          String(shard),
          '--shards',
          String(processes),
        ],
        env,
        cwd,
      ),
    ),
  );
  const sum = (values: (number | undefined)[]) =>
    values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + v!, 0);
  return {
    code: runs.find((r) => r.code !== 0)?.code ?? 0,
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: sum(runs.map((r) => r.cpuSeconds)),
    peakRssMB: sum(runs.map((r) => r.peakRssMB)),
    stdout: runs.map((r) => r.stdout).join(''),
    stderr: runs.map((r) => r.stderr).join(''),
  };
}

interface AllCoresFigures {
  drpPerS: number | null;
  limitPerS: number | null;
  limitAllCoresPerS: number | null;
  copyDrpPerS: number | null;
  copyLimitPerS: number | null;
  copyLimitAllCoresPerS: number | null;
}

const verdict = (a: number | null, b: number | null, min: number) =>
  a === null || b === null ? 'not measured' : `${(a / b).toFixed(2)} x, ${a / b >= min ? 'met' : 'MISSED'}`;

/** Issue 22's targets for using every core: drp against the one-process and the all-cores loops. */
export function allCoresNotes(f: AllCoresFigures): string[] {
  return [
    `Every core, holds: drpPerS >= 1.5 x limitPerS: ${verdict(f.drpPerS, f.limitPerS, 1.5)}; ` +
      `>= 0.9 x limitAllCoresPerS: ${verdict(f.drpPerS, f.limitAllCoresPerS, 0.9)}.`,
    `Every core, copies: copyDrpPerS >= 1.5 x copyLimitPerS: ${verdict(f.copyDrpPerS, f.copyLimitPerS, 1.5)}; ` +
      `>= 0.9 x copyLimitAllCoresPerS: ${verdict(f.copyDrpPerS, f.copyLimitAllCoresPerS, 0.9)}.`,
  ];
}
