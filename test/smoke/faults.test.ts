import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { verify } from '../../src/commands/verify.js';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { emulatorClients } from '../support/aws.js';
import { drpEnv, runDrp, scratch, startDrp } from '../support/drp.js';
import {
  FAULT_KINDS,
  seededRandom,
  startFaultProxy,
  type FaultKind,
  type FaultProxy,
} from '../support/fault-proxy.js';
import { containFlags, missingControls, seedIncident, type SeededIncident } from '../support/incident.js';

const motoUrl = inject('motoUrl');
const clients = emulatorClients(motoUrl);
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy(motoUrl);
});
afterAll(() => proxy.close());

const resetEmulator = async () => {
  const response = await fetch(inject('resetUrl'), { method: 'POST' });
  if (!response.ok) throw new Error(`emulator reset failed: ${response.status}`);
};

/** `drp contain` through the proxy (drp sees only the proxy), into a fresh evidence dir. */
async function containThroughProxy(seeded: SeededIncident, incident: string, env: NodeJS.ProcessEnv = {}) {
  const dir = join(scratch(), 'ev');
  const out = await runDrp(
    ['--incident', incident, 'contain', ...containFlags(seeded), '--yes', '--evidence-dir', dir],
    { endpoint: proxy.url, env: drpEnv(env) },
  );
  return { ...out, dir, journal: join(dir, 'journal.jsonl') };
}

/**
 * Throttling answers (SlowDown, ThrottlingException) make the SDK's adaptive mode slow the client
 * down, as it should; but the proxy keeps throttling a fixed share however slowly drp goes, which
 * no real service does (at 10% SlowDown alone a run of 400 calls takes 80 s). So throttling is one
 * fault in seven here: each kind is still met, and the run takes seconds.
 */
const FAULT_MIX = [
  ...['internal', 'reset', 'delay'].flatMap((k) => [k, k]),
  'slowdown',
  'throttling',
] as FaultKind[];

/** The steps of the runbook `drp contain` runs, in order. */
const CONTAIN_STEPS = loadRunbook('deepfake-s3-leak').runbook.steps.map((s) => s.id);
const stepsAfter = (id: string) => CONTAIN_STEPS.slice(CONTAIN_STEPS.indexOf(id) + 1);

const heldOnce = (seeded: SeededIncident, proxy: FaultProxy) =>
  seeded.versions.filter((v) => proxy.legalHolds.get(`${v.key}\n${v.versionId}`) !== 1);

describe('drp contain through a proxy that fails 10% of requests', () => {
  let seeded: SeededIncident;
  beforeEach(async () => {
    await resetEmulator();
    seeded = await seedIncident(clients, { objects: 200, overwrites: 40, deleted: 3 });
  });

  it('retries every fault: every control in place, every version held exactly once, a journal that verifies', async () => {
    proxy.configure({ rate: 0.1, seed: 20261125, maxDelayMs: 200, kinds: FAULT_MIX });
    const out = await containThroughProxy(seeded, 'INC-FAULTS-1');
    expect(out.code, out.stdout + out.stderr).toBe(0);

    // The run met faults of every kind, and retried them all.
    for (const kind of FAULT_KINDS) expect(proxy.stats.faults[kind], kind).toBeGreaterThan(0);
    expect(seeded.versions).toHaveLength(240);
    expect(heldOnce(seeded, proxy)).toEqual([]);
    expect(proxy.legalHolds.size).toBe(240);

    expect(await missingControls(clients, seeded, 'INC-FAULTS-1')).toEqual([]);
    const verify = await runDrp(['verify', '--artefacts', out.journal]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

describe('drp contain when every PutObjectLegalHold fails', () => {
  let seeded: SeededIncident;
  beforeAll(async () => {
    await resetEmulator();
    seeded = await seedIncident(clients, { objects: 60, overwrites: 10 });
  });

  it('exits 1 naming the failed step, with the isolation already in place and a sealed journal that verifies', async () => {
    // InternalError, not SlowDown: a throttle on every call makes the SDK's adaptive mode pace the
    // client down to its floor (0.5 requests/s), and the run would take minutes to reach the same
    // failure. Three attempts instead of eight: the same outcome, a shorter wait.
    proxy.configure({ rate: 0, failOperation: 'S3.PutObjectLegalHold', failWith: 'internal' });
    const out = await containThroughProxy(seeded, 'INC-FAULTS-2', { AWS_MAX_ATTEMPTS: '3' });
    expect(out.code, out.stdout + out.stderr).toBe(1);
    expect(out.stdout).toMatch(/legal-holds\s+failed\s+.*S3\.PutObjectLegalHold: InternalError/);
    // Isolate first, then lock: the deny, the SCP and Object Lock were in place before any hold.
    expect(out.stdout).toMatch(/deny-policy\s+applied/);
    expect(out.stdout).toMatch(/scp-deny\s+applied/);
    expect(out.stdout).toMatch(/object-lock\s+applied/);
    expect(out.stdout).toContain(`Failed: legal-holds. Not run: ${stepsAfter('legal-holds').join(', ')}.`);
    expect(out.stdout).toMatch(/CONTAINMENT INCOMPLETE/);
    expect(out.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

    expect(proxy.legalHolds.size).toBe(0);
    const missing = await missingControls(clients, seeded, 'INC-FAULTS-2');
    expect(missing).toEqual([
      `legal hold missing on ${seeded.versions.length} version(s), e.g. ${seeded.versions[0]!.key} ${seeded.versions[0]!.versionId}`,
    ]);

    const entries = verifyJournal(readFileSync(out.journal)).entries;
    expect(entries.at(-1)).toMatchObject({ type: 'seal', outcome: 'failed' });
    expect(entries.find((e) => e.type === 'result' && e.stepId === 'legal-holds')).toMatchObject({
      outcome: 'failed',
      error: { operation: 'S3.PutObjectLegalHold', code: 'InternalError' },
    });
    const verify = await runDrp(['verify', '--artefacts', out.journal]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

describe('drp contain isolates before any per-version work', () => {
  it('the deny, the SCP and Object Lock are in AWS while the first PutObjectLegalHold is still on its way', async () => {
    await resetEmulator();
    const seeded = await seedIncident(clients, { objects: 20, overwrites: 4 });
    const dir = join(scratch(), 'ev');
    proxy.configure({ rate: 0, holdOperation: 'S3.PutObjectLegalHold', holdFrom: 1 });
    const run = startDrp(
      ['--incident', 'INC-ORDER', 'contain', ...containFlags(seeded), '--yes', '--evidence-dir', dir],
      { endpoint: proxy.url, env: drpEnv() },
    );
    let exited = false;
    void run.done.then(() => (exited = true));
    await until(() => exited || proxy.stats.held > 0);
    expect(exited, 'drp ended before its first legal hold').toBe(false);
    // Read from the emulator itself, behind the proxy: what is in place before any hold lands.
    const before = await missingControls(clients, seeded, 'INC-ORDER');
    expect(before).toEqual([
      expect.stringMatching(new RegExp(`^legal hold missing on ${seeded.versions.length} version`)),
    ]);
    expect(proxy.legalHolds.size).toBe(0);
    proxy.release({ forward: true });
    const out = await run.done;
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await missingControls(clients, seeded, 'INC-ORDER')).toEqual([]);
    // The journal says the same: every isolation step's result precedes the legal holds' intent.
    const entries = verifyJournal(readFileSync(join(dir, 'journal.jsonl'))).entries;
    const seqOf = (type: string, stepId: string) =>
      entries.find((e) => e.type === type && e.stepId === stepId)!.seq;
    for (const id of ['block-public-access', 'deny-policy', 'scp-deny', 'object-lock'])
      expect(seqOf('result', id)).toBeLessThan(seqOf('intent', 'legal-holds'));
  });
});

/** Where a killed run stood: the step it was in (intent, no result), or the last step it finished. */
function standing(entries: Entry[]): string {
  const last = entries.at(-1);
  if (!last || last.type === 'genesis') return 'before the first step';
  if (last.type === 'seal') return 'sealed';
  const open = entries.findLast((e) => e.type === 'intent');
  const closed =
    open && entries.some((e) => e.type === 'result' && e.seq > open.seq && e.stepId === open.stepId);
  return closed ? `after ${String(last.stepId ?? open?.stepId)}` : `inside ${String(open?.stepId)}`;
}

const lineCount = (path: string) =>
  existsSync(path) ? readFileSync(path).reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0) : 0;

const until = async (ready: () => boolean) => {
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
};

/**
 * A kill point. `hold`: the proxy holds that operation's `from`-th request (and later ones) and
 * drp is killed while it waits, so the kill lands inside the step exactly there; the held
 * requests are then dropped, or sent on to the emulator as if the call left drp just before it
 * died (the change is made, the journal does not know). `lines`: killed once its journal has
 * that many lines.
 */
interface KillPoint {
  step?: string;
  hold?: string;
  from?: number;
  lines?: number;
  forward: boolean;
}

/** Starts `drp contain` through the proxy, and kills it with SIGKILL at the point. */
async function containKilled(
  seeded: SeededIncident,
  incident: string,
  at: KillPoint,
  env: NodeJS.ProcessEnv,
) {
  const dir = join(scratch(), 'ev');
  const journal = join(dir, 'journal.jsonl');
  proxy.configure(at.hold ? { holdOperation: at.hold, holdFrom: at.from ?? 1 } : {});
  const run = startDrp(
    [
      '--incident',
      incident,
      'contain',
      ...containFlags(seeded),
      '--concurrency',
      '4',
      '--yes',
      '--evidence-dir',
      dir,
    ],
    { endpoint: proxy.url, env },
  );
  let exited = false;
  void run.done.then(() => (exited = true));
  await until(() => exited || (at.hold ? proxy.stats.held > 0 : lineCount(journal) >= at.lines!));
  run.child.kill('SIGKILL');
  const out = await run.done;
  proxy.release({ forward: at.forward });
  await until(() => proxy.stats.busy === 0);
  return { ...out, dir, journal };
}

describe('drp contain killed with SIGKILL at seeded points in every step, then drp resume', () => {
  // Each point stops drp inside a step, at a call of its own, chosen by the seed: in the legal
  // holds, the N-th; for each, whether the calls in flight reach AWS after drp died.
  const random = seededRandom(72);
  const nth = () => 1 + Math.floor(random() * 29);
  const points: KillPoint[] = [
    { lines: 2 },
    { step: 'block-public-access', hold: 'S3.PutPublicAccessBlock' },
    { step: 'disable-access-keys', hold: 'IAM.UpdateAccessKey', from: 2 },
    { step: 'revoke-role-sessions', hold: 'IAM.PutRolePolicy' },
    { step: 'deny-policy', hold: 'S3.PutBucketPolicy' },
    { step: 'scp-deny', hold: 'Organizations.CreatePolicy' },
    { step: 'scp-deny', hold: 'Organizations.AttachPolicy' },
    { step: 'object-lock', hold: 'S3.PutObjectLockConfiguration' },
    { step: 'legal-holds', hold: 'S3.PutObjectLegalHold' },
    { step: 'legal-holds', hold: 'S3.PutObjectLegalHold', from: nth() },
    { step: 'legal-holds', hold: 'S3.PutObjectLegalHold', from: nth() },
    { step: 'evidence-bucket', hold: 'S3.CreateBucket' },
    { step: 'preserve-bucket-state', hold: 'S3.PutObject' },
  ].map((p) => ({
    ...p,
    forward: random() < 0.5,
    label: 'hold' in p ? `${p.hold} #${p.from ?? 1}` : `journal line ${p.lines}`,
  }));

  it.each(points)(
    'killed at $label (calls in flight sent on: $forward): resume completes, every control in place, the journal verifies',
    async (at) => {
      await resetEmulator();
      const seeded = await seedIncident(clients, { objects: 24, overwrites: 6 });
      const incident = 'INC-KILL';
      const env = drpEnv(); // one signing key for the run and its resume
      const killed = await containKilled(seeded, incident, at, env);
      expect(killed.signal).toBe('SIGKILL');
      const before = verifyJournal(readFileSync(killed.journal)).entries;
      if (at.step) expect(standing(before)).toBe(`inside ${at.step}`);

      const resumed = await runDrp(['resume', killed.journal, '--yes'], { endpoint: motoUrl, env });
      expect(resumed.code, `${standing(before)}\n${resumed.stdout}${resumed.stderr}`).toBe(0);
      expect(resumed.stderr).not.toMatch(/(\n|\\n)\s+at .+:\d+:\d+/);

      const checked = await verify(killed.journal, { artefacts: true });
      expect(checked.exitCode, checked.text).toBe(0);
      const entries = verifyJournal(readFileSync(killed.journal)).entries;
      expect(entries.at(-1)).toMatchObject({ type: 'seal', outcome: 'completed' });
      // Every step has exactly one result: none lost, none applied twice.
      const results = entries.filter((e) => e.type === 'result').map((e) => e.stepId);
      expect(results.sort()).toEqual([...CONTAIN_STEPS].sort());
      expect(await missingControls(clients, seeded, incident)).toEqual([]);
    },
  );
});
