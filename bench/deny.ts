import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFakeS3 } from './fake-s3.js';

/**
 * Time to deny (issue 22): from the start of a `drp contain` process to the moment the fake S3
 * answers the PutBucketPolicy that carries drp's deny, over a bucket of 1,000 and of 100,000
 * versions. The process is stopped once the deny is in (SIGTERM, by its pid): what follows the
 * deny (legal holds, evidence) is measured by the other benches.
 */

export interface DenyOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  scratch: string;
  key: string;
  latencyMs: number;
  concurrency: number;
  /** Runs per size; the median counts. */
  runs: number;
  /** Log files in the trail bucket: the evidence steps plan over them before anything applies. */
  logFiles: number;
}

export interface DenyRow {
  versions: number;
  /** Seconds of each run, in the order run. */
  seconds: number[];
  median: number | null;
  check: string;
}

const SIZES = { denyAtS1k: 1000, denyAtS100k: 100_000 } as const;
/** Long enough for the old order (every hold before the deny) at 100,000 versions. */
const GIVE_UP_MS = 600_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : null;
};

let runs = 0;

/** One `drp contain` run: seconds from spawn to the deny's answer, or why there was none. */
async function once(o: DenyOptions, versions: number): Promise<number | string> {
  const fake = await startFakeS3({ latencyMs: o.latencyMs, versions, logFiles: o.logFiles });
  const argv = [
    'dist/cli.js',
    '--endpoint-url',
    fake.url,
    'contain',
    '--bucket',
    'bench-media',
    '--yes',
    '--concurrency',
    String(o.concurrency),
    '--evidence-dir',
    join(o.scratch, `deny-${++runs}`),
    '--key',
    o.key,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: o.root,
    env: o.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const result = await new Promise<number | string>((resolve) => {
      const timer = setInterval(() => {
        const at = fake.state.denyAnsweredAt;
        if (at !== undefined) resolve((at - started) / 1000);
        else if (performance.now() - started > GIVE_UP_MS) resolve('no deny within 10 minutes');
      }, 5);
      void exited.then((code) => {
        const at = fake.state.denyAnsweredAt;
        resolve(
          at !== undefined
            ? (at - started) / 1000
            : `exit ${code} before the deny: ${stderr.trim().split('\n').pop()}`,
        );
      });
      // Both timers end with the child: a pending one kept the bench alive for 10 minutes after its last line.
      const giveUp = setTimeout(() => clearInterval(timer), GIVE_UP_MS + 1000);
      void exited.finally(() => {
        clearInterval(timer);
        clearTimeout(giveUp);
      });
    });
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await fake.close();
  }
}

/** Time to deny at each size, `runs` times each, alternating sizes so load drifts hit both alike. */
export async function timeToDeny(o: DenyOptions) {
  const rows = Object.values(SIZES).map((versions): DenyRow => ({
    versions,
    seconds: [],
    median: null,
    check: 'ok',
  }));
  for (let i = 0; i < o.runs; i++) {
    for (const row of rows) {
      if (row.check !== 'ok') continue;
      const r = await once(o, row.versions);
      if (typeof r === 'string') row.check = r;
      else row.seconds.push(r);
    }
  }
  for (const row of rows) row.median = row.check === 'ok' ? median(row.seconds) : null;
  const figure = (n: number) => {
    const m = rows.find((r) => r.versions === n)?.median;
    return m == null ? null : Number(m.toFixed(3));
  };
  return { rows, denyAtS1k: figure(SIZES.denyAtS1k), denyAtS100k: figure(SIZES.denyAtS100k) };
}

/** The table, and the targets: denyAtS100k <= 1.2 x denyAtS1k, both under 3 s. */
export function denyReport(
  o: Pick<DenyOptions, 'latencyMs' | 'concurrency' | 'runs' | 'logFiles'>,
  r: Awaited<ReturnType<typeof timeToDeny>>,
): string {
  const lines = [
    `Time to deny: drp contain, process start to the answer of the PutBucketPolicy carrying its deny (latency ${o.latencyMs} ms, concurrency ${o.concurrency}, ${o.logFiles} log files, median of ${o.runs})`,
    '',
    '| versions | median s | runs s | check |',
    '| -------- | -------- | ------ | ----- |',
    ...r.rows.map(
      (row) =>
        `| ${row.versions} | ${row.median?.toFixed(2) ?? '-'} | ${row.seconds.map((s) => s.toFixed(2)).join(' ')} | ${row.check} |`,
    ),
  ];
  const met = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'MISSED');
  const { denyAtS1k: a, denyAtS100k: b } = r;
  lines.push(
    '',
    `- denyAtS100k <= 1.2 x denyAtS1k: ${met(a !== null && b !== null ? b <= 1.2 * a : null)}; both under 3 s: ${met(a !== null && b !== null ? a < 3 && b < 3 : null)}.`,
  );
  return lines.join('\n');
}
