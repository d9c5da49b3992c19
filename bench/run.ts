/**
 * `npm run bench -- [--versions 10000] [--latency-ms 20] [--concurrency 32] [--log-files 5000]
 *   [--cli-n 50] [--rss-versions 1000000] [--repeat 1] [--record] [--only deny] [--deny-runs 3]
 *   [--deny-log-files 100]`, or `-- --quick` (bench/quick.ts)
 *
 * `--only deny` measures only the time to deny (bench/deny.ts) and prints its figures as the last line.
 *
 * Starts the fake S3, then runs each contender in its own process against it, one after another,
 * resetting the counts between them and checking that every version was held (every log file
 * copied) exactly once. With --repeat N each contender runs N times and its fastest run counts
 * (the machine is shared: the fastest run is the one least disturbed). Prints tables and, as its
 * last line, one JSON object with every figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allCoresNotes, limitAllCores } from './all-cores.js';
import { runChild, tail, type ChildRun } from './child.js';
import { startFakeS3, type FakeS3 } from './fake-s3.js';
import type { FakeS3Stats } from './fake-s3/state.js';
import { awsCliCopies, awsCliHolds, awsCliInstalled } from './peer-aws-cli.js';
import { analysisOf, machine, resultsMarkdown, table, type Row } from './report.js';
import { quickArgs } from './quick.js';
import { medianMs, packagesLoaded } from './startup.js';
import { boundsNotes } from './targets.js';
import { denyReport, timeToDeny } from './deny.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = 'dist/cli.js';
const LIMIT = 'dist-bench/limit.js';
const TRAIL = 'bench-trail';
const EVIDENCE = 'drp-evidence-bench';
const LOG_PREFIX = 'AWSLogs/123456789012/CloudTrail/us-east-1/';

/** How drp runs each path: a one-step runbook of bench/runbooks/ through the built CLI. */
const DRP = {
  holds: { runbook: 'bench/runbooks/object-lock.yaml', args: ['--param', 'bucket=bench-media'] },
  copies: {
    runbook: 'bench/runbooks/cloudtrail-logs.yaml',
    args: ['--evidence-bucket', EVIDENCE],
  },
};

const { quick, args } = quickArgs(process.argv.slice(2));
const { values: flags } = parseArgs({
  args,
  options: {
    versions: { type: 'string', default: '10000' },
    'latency-ms': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    'log-files': { type: 'string', default: '5000' },
    'cli-n': { type: 'string', default: '50' },
    'rss-versions': { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '1' },
    record: { type: 'boolean', default: false },
    only: { type: 'string' },
    'deny-runs': { type: 'string', default: '3' },
    'deny-log-files': { type: 'string', default: '100' },
  },
});
if (flags.only !== undefined && flags.only !== 'deny') {
  process.stderr.write(`--only ${flags.only}: the only part that runs alone is "deny"\n`);
  process.exit(2);
}
const o = {
  versions: Number(flags.versions),
  latencyMs: Number(flags['latency-ms']),
  concurrency: Number(flags.concurrency),
  logFiles: Number(flags['log-files']),
  cliN: Number(flags['cli-n']),
  rssVersions: Number(flags['rss-versions']),
  repeat: Math.max(1, Number(flags.repeat)),
};

const scratch = mkdtempSync(join(tmpdir(), 'drp-bench-'));
writeFileSync(join(scratch, 'aws-config'), '[default]\ns3 =\n    addressing_style = path\n');
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: join(scratch, 'aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  XDG_CONFIG_HOME: scratch,
};

/** true when `drp validate` accepts the bench runbook (its step is registered), else why not. */
function drpReady(runbook: string): true | string {
  const r = spawnSync(process.execPath, [CLI, 'validate', runbook], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = `${r.stdout}\n${r.stderr}`.trim().split('\n').pop()?.trim();
  return `not measured: drp validate ${runbook}: ${why}`;
}

/** Worker threads drp is given in its every-core runs: one per core (on 2 cores its default is 1). */
const WORKERS = cpus().length;

let runs = 0;
function drp(fake: FakeS3, path: keyof typeof DRP, extra: string[] = []): Promise<ChildRun> {
  const evidenceDir = join(scratch, `evidence-${++runs}`);
  const argv = [CLI, '--endpoint-url', fake.url, 'run', DRP[path].runbook, ...DRP[path].args];
  const run = ['--yes', '--concurrency', String(o.concurrency), '--evidence-dir', evidenceDir, ...extra];
  return runChild(
    process.execPath,
    [...argv, ...run, '--key', join(scratch, 'key/signing-key.pem')],
    env,
    ROOT,
  );
}

const limit = (fake: FakeS3, mode: 'holds' | 'copies') =>
  runChild(process.execPath, [LIMIT, mode, ...peerArgs(fake, mode)], env, ROOT);
const allCores = (fake: FakeS3, mode: 'holds' | 'copies') =>
  limitAllCores([LIMIT, mode, ...peerArgs(fake, mode)], o.concurrency, env, ROOT);
const boto3 = (fake: FakeS3, mode: 'holds' | 'copies') =>
  runChild('python3', ['bench/peer_boto3.py', mode, ...peerArgs(fake, mode)], env, ROOT);
const peerArgs = (fake: FakeS3, mode: 'holds' | 'copies') => [
  '--endpoint',
  fake.url,
  '--concurrency',
  String(o.concurrency),
  ...(mode === 'holds'
    ? ['--bucket', 'bench-media']
    : ['--bucket', TRAIL, '--prefix', LOG_PREFIX, '--to', EVIDENCE]),
];

type Check = (stats: FakeS3Stats, count: number) => string | undefined;
const everyVersionOnce: Check = ({ legalHolds: h }, n) =>
  h.heldOnce === n && h.heldMoreThanOnce === 0 && h.deleteMarkerHolds === 0
    ? undefined
    : `held once ${h.heldOnce}/${n}, more than once ${h.heldMoreThanOnce}, delete markers ${h.deleteMarkerHolds}`;
const everyFileOnce: Check = ({ copies: c }, n) =>
  c.copiedOnce === n && c.copiedMoreThanOnce === 0
    ? undefined
    : `copied once ${c.copiedOnce}/${n}, more ${c.copiedMoreThanOnce}`;

/** The fastest of `repeat` runs of one contender; the first run that fails the check is returned as is. */
async function measure(
  name: string,
  fake: FakeS3,
  count: number,
  check: Check,
  run: () => Promise<ChildRun>,
) {
  let best: Row | undefined;
  for (let i = 0; i < o.repeat; i++) {
    const row = await measureOnce(name, fake, count, check, run);
    if (row.perS == null) return row;
    if (!best || row.perS > (best.perS ?? 0)) best = row;
  }
  return best!;
}

/** Runs one contender on a freshly reset endpoint and turns what it cost into a table row. */
async function measureOnce(
  name: string,
  fake: FakeS3,
  count: number,
  check: Check,
  run: () => Promise<ChildRun>,
): Promise<Row> {
  fake.reset();
  const cpu = process.cpuUsage();
  const r = await run();
  const fakeCpu = process.cpuUsage(cpu);
  const stats = fake.stats();
  const unhandled = Object.keys(stats.unhandled);
  const problems = [
    r.code !== 0 ? `exit ${r.code}: ${tail(r).replace(/\s+/g, ' ')}` : undefined,
    check(stats, count),
    unhandled.length ? `fake S3 does not implement ${unhandled.join(', ')}` : undefined,
  ].filter(Boolean);
  return {
    name,
    count,
    wallSeconds: r.wallSeconds,
    perS: problems.length ? null : Math.round(count / r.wallSeconds),
    cpuMsPerCall: r.cpuSeconds !== undefined ? (r.cpuSeconds * 1000) / count : undefined,
    fakeCpuMsPerCall: (fakeCpu.user + fakeCpu.system) / 1000 / count,
    peakRssMB: r.peakRssMB,
    check: problems.join('; ') || 'ok',
  } satisfies Row;
}

/** The AWS CLI, one process per call, on the first `cli-n` items. */
async function awsCli(fake: FakeS3, check: Check, run: () => Promise<{ count: number; seconds: number }>) {
  if (!awsCliInstalled())
    return { name: 'AWS CLI', check: 'not measured: aws is not installed' } satisfies Row;
  const name = `AWS CLI (1 call at a time, first ${o.cliN})`;
  fake.reset();
  try {
    const { count, seconds } = await run();
    const problem = check(fake.stats(), count);
    return {
      name,
      count,
      wallSeconds: seconds,
      perS: problem ? null : count / seconds,
      check: problem ?? 'ok',
    } satisfies Row;
  } catch (err) {
    return { name, check: `failed: ${(err as Error).message.split('\n')[0]}` } satisfies Row;
  }
}

async function path(fake: FakeS3, mode: 'holds' | 'copies', count: number): Promise<Row[]> {
  const check = mode === 'holds' ? everyVersionOnce : everyFileOnce;
  const ready = drpReady(DRP[mode].runbook);
  const cli = { endpoint: fake.url, env, n: o.cliN };
  const label = mode === 'holds' ? 'drp run (s3-object-lock)' : 'drp run (preserve-cloudtrail-logs)';
  return [
    ready === true
      ? await measure(label, fake, count, check, () => drp(fake, mode))
      : { name: 'drp', check: ready },
    ready === true
      ? await measure(`${label}, --workers ${WORKERS}`, fake, count, check, () =>
          drp(fake, mode, ['--workers', String(WORKERS)]),
        )
      : { name: `drp --workers ${WORKERS}`, check: ready },
    await measure('limit (bare AWS SDK v3)', fake, count, check, () => limit(fake, mode)),
    await measure(`limit, all cores (${cpus().length} processes)`, fake, count, check, () =>
      allCores(fake, mode),
    ),
    await measure('boto3 ThreadPoolExecutor', fake, count, check, () => boto3(fake, mode)),
    await awsCli(fake, check, () =>
      mode === 'holds' ? awsCliHolds(cli, 'bench-media') : awsCliCopies(cli, TRAIL, LOG_PREFIX, EVIDENCE),
    ),
  ];
}

/** Peak RSS of drp with its worker threads on, and of the limit loop, over a bucket of `rssVersions`, latency 0. */
async function memory(): Promise<Row[]> {
  if (!o.rssVersions) return [];
  const fake = await startFakeS3({ latencyMs: 0, versions: o.rssVersions, logFiles: 1 });
  try {
    const ready = drpReady(DRP.holds.runbook);
    return [
      ready === true
        ? await measureOnce(
            `drp run (s3-object-lock), --workers ${WORKERS}`,
            fake,
            o.rssVersions,
            everyVersionOnce,
            () => drp(fake, 'holds', ['--workers', String(WORKERS)]),
          )
        : { name: 'drp', check: ready },
      await measureOnce('limit (bare AWS SDK v3)', fake, o.rssVersions, everyVersionOnce, () =>
        limit(fake, 'holds'),
      ),
    ];
  } finally {
    await fake.close();
  }
}

const RESULTS = join(ROOT, 'bench/RESULTS.md');
const previousResults = () => (existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : undefined);

const perS = (rows: Row[], i: number) => rows[i]?.perS ?? null;
const messageOf = (row: Row | undefined) => (row && row.perS == null ? row.check : undefined);

/** Time to deny at 1,000 and 100,000 versions (bench/deny.ts): its table and its two figures. */
async function deny() {
  const d = {
    root: ROOT,
    env,
    scratch,
    key: join(scratch, 'key/signing-key.pem'),
    latencyMs: o.latencyMs,
    concurrency: o.concurrency,
    runs: Math.max(1, Number(flags['deny-runs'])),
    logFiles: Number(flags['deny-log-files']),
  };
  const r = await timeToDeny(d);
  const broken = r.rows.filter((row) => row.check !== 'ok');
  return { table: denyReport(d, r), figures: { denyAtS1k: r.denyAtS1k, denyAtS100k: r.denyAtS100k }, broken };
}

async function main() {
  const loadAtStart = loadavg();
  spawnSync(process.execPath, [CLI, 'keygen', '--out', join(scratch, 'key')], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  if (flags.only === 'deny') {
    const d = await deny();
    rmSync(scratch, { recursive: true, force: true });
    process.stdout.write(`${d.table}\n\n${JSON.stringify({ latencyMs: o.latencyMs, ...d.figures })}\n`);
    process.exitCode = d.broken.length ? 1 : 0;
    return;
  }
  // Warm the fake's code paths in this process before anything is measured.
  const warm = await startFakeS3({ latencyMs: 0, versions: 2000, logFiles: 500 });
  await limit(warm, 'holds');
  await limit(warm, 'copies');
  await warm.close();

  const fake = await startFakeS3({ latencyMs: o.latencyMs, versions: o.versions, logFiles: o.logFiles });
  const holds = await path(fake, 'holds', o.versions);
  const copies = await path(fake, 'copies', o.logFiles);
  await fake.close();
  const rss = await memory();
  const denied = await deny();
  const startup = {
    load: loadavg()[0]!,
    nodeMs: medianMs(['--input-type=module', '-e', ''], ROOT),
    helpMs: medianMs([CLI, '--help'], ROOT),
    validateMs: medianMs([CLI, 'validate', 'runbooks/deepfake-s3-leak.yaml'], ROOT),
    helpLoads: packagesLoaded([CLI, '--help'], ROOT),
    validateLoads: packagesLoaded([CLI, 'validate', 'runbooks/deepfake-s3-leak.yaml'], ROOT),
  };

  const figures = {
    versions: o.versions,
    latencyMs: o.latencyMs,
    concurrency: o.concurrency,
    workers: WORKERS,
    drpPerS: perS(holds, 0),
    drpWorkersPerS: perS(holds, 1),
    limitPerS: perS(holds, 2),
    limitAllCoresPerS: perS(holds, 3),
    boto3PerS: perS(holds, 4),
    awsCliPerS: holds[5]?.perS != null ? Number(holds[5].perS.toFixed(2)) : null,
    copyDrpPerS: perS(copies, 0),
    copyDrpWorkersPerS: perS(copies, 1),
    copyLimitPerS: perS(copies, 2),
    copyLimitAllCoresPerS: perS(copies, 3),
    copyBoto3PerS: perS(copies, 4),
    copyAwsCliPerS: copies[5]?.perS != null ? Number(copies[5].perS.toFixed(2)) : null,
    rss1mMB: rss[0]?.check === 'ok' ? (rss[0].peakRssMB ?? null) : null,
    rss1mLimitMB: rss[1]?.check === 'ok' ? (rss[1].peakRssMB ?? null) : null,
    helpMs: startup.helpMs,
    validateMs: startup.validateMs,
    nodeMs: startup.nodeMs,
    ...denied.figures,
    drpMessage: messageOf(holds[0]),
    drpWorkersMessage: messageOf(holds[1]),
    copyDrpMessage: messageOf(copies[0]),
    copyDrpWorkersMessage: messageOf(copies[1]),
    quick,
  };
  const cliRate = (rows: Row[], n: number) =>
    rows[5]?.perS ? `AWS CLI extrapolated to ${n}: ${(n / rows[5].perS / 60).toFixed(0)} min.` : '';
  const tables = [
    table(
      `Legal holds on ${o.versions} versions (latency ${o.latencyMs} ms, concurrency ${o.concurrency})`,
      holds,
      figures.limitPerS,
    ) + `\n\n${cliRate(holds, o.versions)}`,
    table(
      `Server-side copies of ${o.logFiles} CloudTrail log files (latency ${o.latencyMs} ms, concurrency ${o.concurrency})`,
      copies,
      figures.copyLimitPerS,
    ) + `\n\n${cliRate(copies, o.logFiles)}`,
    ...(rss.length ? [table(`Memory: legal holds on ${o.rssVersions} versions (latency 0)`, rss, null)] : []),
    denied.table,
    `Start-up, median of 20 runs: node itself ${startup.nodeMs} ms; drp --help ${startup.helpMs} ms (loads ${startup.helpLoads.join(', ') || 'no package'}); ` +
      `drp validate runbooks/deepfake-s3-leak.yaml ${startup.validateMs} ms (loads ${startup.validateLoads.join(', ')}). ` +
      `Load average when measured: ${startup.load.toFixed(2)}.`,
  ];
  const notes = [...boundsNotes(o, figures, holds, startup), ...allCoresNotes(figures)];
  process.stdout.write(`${tables.join('\n\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n`);
  if (flags.record) {
    const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
    writeFileSync(
      RESULTS,
      resultsMarkdown(command, machine(loadAtStart), tables, figures, notes, analysisOf(previousResults())),
    );
  }
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  const broken = [...holds, ...copies, ...rss].filter(
    (r) => r.check !== 'ok' && !r.check.startsWith('not measured'),
  );
  process.exitCode = broken.length || denied.broken.length ? 1 : 0;
}

await main();
