import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createDrillReadPorts, DRILL_REGION } from '../aws/drill.js';
import { createDrillSeedPort } from '../aws/drill-seed.js';
import { report } from '../commands/report.js';
import { UserError } from '../errors.js';
import { createLogger } from '../log.js';
import type { ReportModel } from '../report/model.js';
import { resolveCaller } from '../runbook/caller.js';
import { checkIncidentId } from '../runbook/session.js';
import { drillChildEnv, runCli, type CliRun } from './cli-child.js';
import { checkEmulator, onInterrupt, openEmulator, type DrillEmulator } from './emulator.js';
import { checkControls, journalVerified } from './evidence-checks.js';
import { deepfakeS3Leak, SCENARIOS, type Scenario } from './scenario.js';
import { timesFromReport, type Scorecard } from './scorecard.js';
import { seedIncident } from './seed.js';

export interface DrillOptions {
  scenario?: string;
  endpointUrl?: string;
  keep?: boolean;
  /** Default ./drill/<incident>/. */
  out?: string;
  incidentId?: string;
}

export interface DrillIo {
  /** A line of the drill's progress for the person watching. */
  say(text: string): void;
}

const drillIncidentId = (now: Date) =>
  `DRILL-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(2).toString('hex')}`;

function checkScenario(name: string): Scenario {
  if (!(SCENARIOS as readonly string[]).includes(name))
    throw new UserError(`--scenario ${name}: not a drill scenario (valid: ${SCENARIOS.join(', ')})`);
  return deepfakeS3Leak(randomBytes(2).toString('hex'));
}

function checkOutDir(dir: string, flag: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new UserError(
      `${flag} ${dir}: not empty. A drill writes a new key and journal: choose a new directory`,
    );
}

/** Paths shown relative to where the operator stands, when that is shorter. */
const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
};

/**
 * `drp drill`: an emulator, a seeded incident, `drp contain` run as an on-call engineer would,
 * the journal verified, every control checked from the outside, a score card and the report.
 */
export async function runDrill(opts: DrillOptions, io: DrillIo): Promise<Scorecard> {
  const scenario = checkScenario(opts.scenario ?? 'deepfake-s3-leak');
  const incidentId = checkIncidentId(opts.incidentId ?? drillIncidentId(new Date()));
  const dir = resolve(opts.out ?? join('drill', incidentId));
  checkOutDir(dir, opts.out ? '--out' : 'drill directory');
  await checkEmulator(opts.endpointUrl);
  mkdirSync(join(dir, 'home'), { recursive: true, mode: 0o700 });

  const interrupted = new AbortController();
  let emulator: DrillEmulator | undefined;
  const release = async () => {
    if (!emulator) return;
    if (opts.keep || emulator.external) io.say(keptNote(emulator));
    else await emulator.stop();
  };
  const uninstall = onInterrupt(async () => {
    interrupted.abort();
    io.say('\ndrp drill: interrupted');
    await release();
    if (emulator && !opts.keep && !emulator.external) io.say(`moto_server stopped (pid ${emulator.pid})`);
  });
  try {
    emulator = await openEmulator(opts.endpointUrl, join(dir, 'moto.log'));
    io.say(
      `drp drill: scenario ${scenario.name}, incident ${incidentId}, emulator ${emulator.url}${emulator.pid ? ` (moto_server, pid ${emulator.pid})` : ''}`,
    );
    return await exercise(
      { scenario, incidentId, dir, emulator, keep: Boolean(opts.keep) },
      io,
      interrupted.signal,
    );
  } finally {
    uninstall();
    if (!interrupted.signal.aborted) await release();
  }
}

const keptNote = (e: DrillEmulator) =>
  e.external
    ? `emulator ${e.url} left as it is`
    : `moto_server left running at ${e.url} (pid ${e.pid}): stop it with \`kill ${e.pid}\``;

interface Exercise {
  scenario: Scenario;
  incidentId: string;
  dir: string;
  emulator: DrillEmulator;
  keep: boolean;
}

async function exercise(x: Exercise, io: DrillIo, signal: AbortSignal): Promise<Scorecard> {
  const { scenario: s, incidentId, dir, emulator } = x;
  const ports = createDrillReadPorts(emulator.url);
  const identity = await ports.callerIdentity();
  const responder = await resolveCaller(identity, async () => ports.iam, createLogger('silent'));

  io.say(`\nSeeding the incident in account ${identity.account} (${DRILL_REGION})...`);
  const seeded = await seedIncident(createDrillSeedPort(emulator.url), s, {
    account: identity.account,
    region: DRILL_REGION,
  });
  io.say(describeSeed(s, seeded.versions, seeded.deleteMarkers, seeded.ms));

  const { contain, journal, pubkey } = await runContain(x, io, signal);
  const evidenceBucket = `drp-evidence-${identity.account}-${DRILL_REGION}`;
  const verify = await runCli(
    [
      '--endpoint-url',
      emulator.url,
      '--output',
      'json',
      'verify',
      journal,
      '--pubkey',
      pubkey,
      '--artefacts',
      '--anchor',
      `s3://${evidenceBucket}/incidents/${incidentId}/`,
    ],
    { env: contain.env, signal },
  );
  io.say('\nChecking every control from the outside...');
  const target = { scenario: s, seeded, incidentId, evidenceBucket, responderArn: responder.principalArn };
  const controls = [...(await checkControls(ports, target)), journalVerified(verify)];

  const reports = existsSync(journal) ? await writeReports(journal, pubkey, dir) : undefined;
  const times = reports ? timesFromReport(reports.model, controls) : { controls, containmentGaps: [] };
  return {
    scenario: s.name,
    incidentId,
    endpoint: emulator.url,
    ...times,
    seedMs: seeded.ms,
    containMs: contain.run.ms,
    journal: shown(journal),
    ...(reports ? { report: { html: shown(reports.html), markdown: shown(reports.markdown) } } : {}),
    emulator: {
      url: emulator.url,
      pid: emulator.pid,
      state: emulator.external ? 'external' : x.keep ? 'left running' : 'stopped',
    },
  };
}

function describeSeed(s: Scenario, versions: number, deleteMarkers: number, ms: number): string {
  return [
    `  s3://${s.bucket}: ${s.images} product images, ${versions - s.images} overwritten with synthetic versions (${versions} versions), ${deleteMarkers} delete markers; public-read policy, no Block Public Access, access logs to s3://${s.logBucket}`,
    `  IAM user ${s.user}: 2 active access keys, s3:* on the bucket; role ${s.rolePath}${s.role} (Lambda)`,
    `  organization with SCPs enabled; trail ${s.trail} logging to s3://${s.trailBucket} (log and digest files of the last ${((s.trailHoursAgo.outOfWindow.at(-1) ?? 0) / 24) | 0} days)`,
    `  seeded in ${(ms / 1000).toFixed(1)} s`,
  ].join('\n');
}

async function runContain(x: Exercise, io: DrillIo, signal: AbortSignal) {
  const env = drillChildEnv(x.emulator.url, x.dir);
  const keyDir = join(x.dir, 'key');
  const keygen = await runCli(['keygen', '--out', keyDir], { env, signal });
  if (keygen.code !== 0) throw new Error(`drp keygen failed: ${keygen.stderr.trim()}`);
  const evidenceDir = join(x.dir, 'evidence');
  const detectedAt = new Date(Date.now() - x.scenario.detectedMinutesAgo * 60_000).toISOString();
  const args = [
    '--endpoint-url',
    x.emulator.url,
    '--incident',
    x.incidentId,
    'contain',
    '--bucket',
    x.scenario.bucket,
    '--user',
    x.scenario.user,
    '--role',
    x.scenario.role,
    '--yes',
    '--detected-at',
    detectedAt,
    '--key',
    join(keyDir, 'signing-key.pem'),
    '--evidence-dir',
    evidenceDir,
  ];
  io.say(`\n$ drp ${args.map((a) => (a.startsWith(x.dir) ? shown(a) : a)).join(' ')}`);
  const indent = (line: string) => io.say(`    ${line}`);
  const run: CliRun = await runCli(args, { env, signal, onStdout: indent, onStderr: indent });
  io.say(`  drp contain exited ${run.code ?? run.signal} after ${(run.ms / 1000).toFixed(1)} s`);
  return {
    contain: { run, env },
    journal: join(evidenceDir, 'journal.jsonl'),
    pubkey: join(keyDir, 'signing-key.pub.pem'),
  };
}

async function writeReports(journal: string, pubkey: string, dir: string) {
  const html = join(dir, 'report.html');
  const markdown = join(dir, 'report.md');
  const out = await report(journal, { format: 'html', out: html, pubkey });
  await report(journal, { format: 'md', out: markdown, pubkey });
  return { model: (out.json as { report: ReportModel }).report, html, markdown };
}
