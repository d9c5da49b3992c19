import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDrillReadPorts, DRILL_REGION } from '../aws/drill.js';
import { createDrillSeedPort } from '../aws/drill-seed.js';
import { createDrillSeedEdgePort } from '../aws/drill-seed-edge.js';
import { UserError } from '../errors.js';
import { createLogger } from '../log.js';
import { resolveCaller } from '../runbook/caller.js';
import { checkIncidentId } from '../runbook/session.js';
import { organizeAccounts, roleFlags, type AccountMode } from './accounts.js';
import {
  journalPath,
  keyPath,
  runContain,
  runKeygen,
  runVerify,
  shown,
  writeReports,
  type DrpRuns,
} from './drp-runs.js';
import { checkEmulator, onInterrupt, openEmulator, type DrillEmulator } from './emulator.js';
import { checkControls, journalVerified } from './evidence-checks.js';
import { preflightLine, runPreflight } from './preflight-runs.js';
import { deepfakeS3Leak, SCENARIOS, type Scenario } from './scenario.js';
import { timesFromReport, type Scorecard } from './scorecard.js';
import { seedIncident } from './seed.js';
import { describeEdge, seedEdge } from './seed-edge.js';

export interface DrillOptions {
  scenario?: string;
  /** single: one account (the emulator's); multi: an organization of four accounts, a role in each. */
  accounts?: AccountMode;
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

/**
 * `drp drill`: an emulator, a seeded incident, `drp contain` run as an on-call engineer would,
 * the journal verified, every control checked from the outside, a score card and the report.
 */
export async function runDrill(opts: DrillOptions, io: DrillIo): Promise<Scorecard> {
  const scenario = checkScenario(opts.scenario ?? 'deepfake-s3-leak');
  const incidentId = checkIncidentId(opts.incidentId ?? drillIncidentId(new Date()));
  const dir = resolve(opts.out ?? join('drill', incidentId));
  checkOutDir(dir, opts.out ? '--out' : 'drill directory');
  const python = await checkEmulator(opts.endpointUrl);
  mkdirSync(join(dir, 'home'), { recursive: true, mode: 0o700 });

  const interrupted = new AbortController();
  let starting: Promise<DrillEmulator> | undefined;
  let emulator: DrillEmulator | undefined;
  // The score card says what became of the emulator; an interrupted drill says it here.
  const release = async () => {
    if (emulator && !opts.keep && !emulator.external) await emulator.stop();
  };
  const uninstall = onInterrupt(async () => {
    interrupted.abort();
    // Interrupted while moto was starting: wait for it, so it is not left behind.
    emulator ??= await starting?.catch(() => undefined);
    await release();
    if (emulator) io.say(`\ndrp drill: interrupted; ${emulatorFate(emulator, Boolean(opts.keep))}`);
  });
  try {
    starting = openEmulator(opts.endpointUrl, join(dir, 'moto.log'), python);
    emulator = await starting;
    io.say(
      `drp drill: scenario ${scenario.name}, incident ${incidentId}, emulator ${emulator.url}${emulator.pid ? ` (moto_server, pid ${emulator.pid})` : ''}`,
    );
    return await exercise(
      { scenario, incidentId, dir, emulator, keep: Boolean(opts.keep), accounts: opts.accounts ?? 'single' },
      io,
      interrupted.signal,
    );
  } finally {
    uninstall();
    if (!interrupted.signal.aborted) await release();
  }
}

const emulatorFate = (e: DrillEmulator, keep: boolean) =>
  e.external
    ? `emulator ${e.url} left as it is`
    : keep
      ? `moto_server left running at ${e.url} (pid ${e.pid}): stop it with \`kill ${e.pid}\``
      : `moto_server stopped (pid ${e.pid})`;

interface Exercise {
  scenario: Scenario;
  incidentId: string;
  dir: string;
  emulator: DrillEmulator;
  keep: boolean;
  accounts: AccountMode;
}

async function exercise(x: Exercise, io: DrillIo, signal: AbortSignal): Promise<Scorecard> {
  const { scenario: s, incidentId, dir, emulator } = x;
  const caller = createDrillReadPorts(emulator.url);
  const identity = await caller.callerIdentity();
  const responder = await resolveCaller(identity, async () => caller.iam, createLogger('silent'));

  const multi =
    x.accounts === 'multi' ? await organizeAccounts(emulator.url, s, identity.account) : undefined;
  const workload = multi?.workload ?? identity.account;
  const base: DrpRuns = {
    scenario: s,
    incidentId,
    dir,
    endpoint: emulator.url,
    say: io.say,
    signal,
    roleFlags: multi ? roleFlags(multi) : [],
  };
  // What preflight would have told the account owner before the incident: nothing is there yet.
  const preflightBefore = await runPreflight(base, keyPath(dir));
  io.say(`\n${preflightLine('before seeding', preflightBefore)}`);
  io.say(
    multi
      ? `\nSeeding the incident across accounts (${DRILL_REGION}): workload ${multi.workload}, log archive ${multi.logArchive}, forensics ${multi.forensics}, management ${identity.account}...`
      : `\nSeeding the incident in account ${identity.account} (${DRILL_REGION})...`,
  );
  const seeded = await seedIncident(multi?.ports.workload ?? createDrillSeedPort(emulator.url), s, {
    account: workload,
    region: DRILL_REGION,
    ...(multi ? { logArchive: multi.ports.logArchive, management: multi.ports.management } : {}),
  });
  const edge = await seedEdge(createDrillSeedEdgePort(emulator.url, multi?.workloadCredentials), s, {
    account: workload,
    region: DRILL_REGION,
  });
  io.say(describeSeed(s, seeded.versions, seeded.deleteMarkers, seeded.ms));
  io.say(describeEdge(edge));

  const runs: DrpRuns = { ...base, containArgs: edge.containArgs };
  await runKeygen(runs);
  const preflightAfter = await runPreflight(runs, keyPath(dir));
  io.say(preflightLine('after seeding', preflightAfter));
  const contain = await runContain(runs);
  const evidenceBucket = `drp-evidence-${multi?.forensics ?? identity.account}-${DRILL_REGION}`;
  const verify = await runVerify(runs, evidenceBucket);
  io.say('\nChecking every control from the outside...');
  // Across accounts, the users and the edge are the workload's: they are read there.
  const ports = multi ? createDrillReadPorts(emulator.url, multi.workloadCredentials) : caller;
  const responderArn = multi?.roles.target ?? responder.principalArn;
  const target = { scenario: s, seeded, incidentId, evidenceBucket, responderArn, edge };
  const controls = [...(await checkControls(ports, target)), journalVerified(verify)];

  const reports = await writeReports(runs);
  const times = reports ? timesFromReport(reports.model, controls) : { controls, containmentGaps: [] };
  return {
    scenario: s.name,
    incidentId,
    endpoint: emulator.url,
    ...times,
    seedMs: seeded.ms,
    containMs: contain.ms,
    preflight: { before: preflightBefore, after: preflightAfter },
    journal: shown(journalPath(dir)),
    ...(reports ? { report: { html: shown(reports.html), markdown: shown(reports.markdown) } } : {}),
    emulator: {
      url: emulator.url,
      pid: emulator.pid,
      state: emulator.external ? 'external' : x.keep ? 'left running' : 'stopped',
    },
  };
}

function describeSeed(s: Scenario, versions: number, deleteMarkers: number, ms: number): string {
  const days = Math.floor(Math.max(...s.trailHoursAgo.outOfWindow) / 24);
  return [
    `  s3://${s.bucket}: ${s.images} product images, ${versions - s.images} overwritten with synthetic versions (${versions} versions), ${deleteMarkers} delete markers; public-read policy, no Block Public Access, access logs to s3://${s.logBucket}`,
    `  IAM user ${s.user}: 2 active access keys, s3:* on the bucket; role ${s.rolePath}${s.role} (Lambda)`,
    `  organization with SCPs enabled; trail ${s.trail} logging to s3://${s.trailBucket} (log and digest files of the last ${days} days)`,
    `  seeded in ${(ms / 1000).toFixed(1)} s`,
  ].join('\n');
}
