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
  workers: number;
  drpPerS: number | null;
  drpWorkersPerS: number | null;
  limitPerS: number | null;
  limitAllCoresPerS: number | null;
  copyDrpPerS: number | null;
  copyDrpWorkersPerS: number | null;
  copyLimitPerS: number | null;
  copyLimitAllCoresPerS: number | null;
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
const verdict = (r: number | null, min: number) =>
  r === null ? 'not measured' : `${r.toFixed(2)} x, ${r >= min ? 'met' : 'MISSED'}`;

/**
 * Issue 22's targets for using every core: drp with a worker thread per core (`--workers n`)
 * against the one-process and the all-cores loops; and how far the all-cores loop itself gets
 * above one process, which bounds what any program can gain from the cores of this machine.
 */
export function allCoresNotes(f: AllCoresFigures): string[] {
  const gain = (all: number | null, one: number | null) => {
    const r = ratio(all, one);
    return r === null ? 'not measured' : `${r.toFixed(2)} x`;
  };
  return [
    `Every core, holds (drp --workers ${f.workers}): >= 1.5 x limitPerS: ${verdict(ratio(f.drpWorkersPerS, f.limitPerS), 1.5)}; ` +
      `>= 0.9 x limitAllCoresPerS: ${verdict(ratio(f.drpWorkersPerS, f.limitAllCoresPerS), 0.9)}. ` +
      `The bare loop gains ${gain(f.limitAllCoresPerS, f.limitPerS)} from ${f.workers} processes; drp by default: ${verdict(ratio(f.drpPerS, f.limitAllCoresPerS), 0.9)} of the all-cores loop.`,
    `Every core, copies (drp --workers ${f.workers}): >= 1.5 x copyLimitPerS: ${verdict(ratio(f.copyDrpWorkersPerS, f.copyLimitPerS), 1.5)}; ` +
      `>= 0.9 x copyLimitAllCoresPerS: ${verdict(ratio(f.copyDrpWorkersPerS, f.copyLimitAllCoresPerS), 0.9)}. ` +
      `The bare loop gains ${gain(f.copyLimitAllCoresPerS, f.copyLimitPerS)}; drp by default: ${verdict(ratio(f.copyDrpPerS, f.copyLimitAllCoresPerS), 0.9)} of the all-cores loop.`,
  ];
}
