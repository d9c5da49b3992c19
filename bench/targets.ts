import { cpus } from 'node:os';
import type { Row } from './report.js';

interface Figures {
  drpPerS: number | null;
  limitPerS: number | null;
  boto3PerS: number | null;
  copyDrpPerS: number | null;
  copyLimitPerS: number | null;
  copyBoto3PerS: number | null;
  rss1mMB: number | null;
  rss1mLimitMB: number | null;
  helpMs: number;
  validateMs: number;
}

const verdict = (value: number | null, ok: (v: number) => boolean) =>
  value === null ? 'not measured' : ok(value) ? 'met' : 'MISSED';

/** The targets, each met, missed or not measured, and what bounds the rates on this machine. */
export function boundsNotes(
  o: { latencyMs: number; concurrency: number },
  f: Figures,
  holds: Row[],
  startup: { nodeMs: number; helpLoads: string[]; validateLoads: string[] },
): string[] {
  const cores = cpus().length;
  const notes = [
    `Latency bound: ${o.concurrency} calls in flight / ${o.latencyMs} ms = ${Math.round((o.concurrency * 1000) / Math.max(1, o.latencyMs))} calls/s.`,
  ];
  const limit = holds[2];
  if (limit?.cpuMsPerCall !== undefined && limit.fakeCpuMsPerCall !== undefined) {
    const perCall = limit.cpuMsPerCall + limit.fakeCpuMsPerCall;
    notes.push(
      `CPU bound: the bare SDK loop spends ${limit.cpuMsPerCall.toFixed(2)} ms of CPU per legal hold and the fake endpoint ` +
        `${limit.fakeCpuMsPerCall.toFixed(2)} ms; ${cores} cores cap the rate near ${Math.round((cores * 1000) / perCall)}/s ` +
        `(measured ${f.limitPerS ?? '-'}/s). Whichever bound is lower is the limit drp is held to.`,
    );
  }
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  notes.push(
    `drpPerS >= 0.9 x limitPerS: ${verdict(ratio(f.drpPerS, f.limitPerS), (r) => r >= 0.9)}; ` +
      `>= 1.5 x boto3PerS: ${verdict(ratio(f.drpPerS, f.boto3PerS), (r) => r >= 1.5)}.`,
    `copyDrpPerS >= 0.9 x copyLimitPerS: ${verdict(ratio(f.copyDrpPerS, f.copyLimitPerS), (r) => r >= 0.9)}; ` +
      `>= 1.5 x boto3: ${verdict(ratio(f.copyDrpPerS, f.copyBoto3PerS), (r) => r >= 1.5)}.`,
    `rss1mMB < 200: ${verdict(f.rss1mMB, (v) => v < 200)} (the bare SDK loop itself peaks at ${f.rss1mLimitMB ?? '-'} MB).`,
    `drp --help < 150 ms: ${verdict(f.helpMs, (v) => v < 150)}; drp validate < 250 ms: ${verdict(f.validateMs, (v) => v < 250)}. ` +
      `Node alone starts in ${startup.nodeMs} ms here; the rest is module loading (validate: ${startup.validateLoads.join(', ')}).`,
  );
  for (const heavy of ['@aws-sdk', 'pino'])
    if ([...startup.helpLoads, ...startup.validateLoads].some((p) => p.startsWith(heavy)))
      notes.push(
        `--help or validate loads ${heavy}: make that import lazy (see src/log.ts and src/aws/ports.ts).`,
      );
  return notes;
}
