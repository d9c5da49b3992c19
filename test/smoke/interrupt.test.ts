import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients } from '../support/aws.js';
import { drpEnv, runDrp, scratch } from '../support/drp.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { containFlags, missingControls, seedIncident, type SeededIncident } from '../support/incident.js';
import { startDrpInPty } from '../support/pty.js';

// Ctrl-C typed into a real terminal (a pseudo-terminal through util-linux `script`), while a
// PutObjectLegalHold is held at the fault proxy: the interrupt lands with calls in flight.

const motoUrl = inject('motoUrl');
const clients = emulatorClients(motoUrl);
let proxy: FaultProxy;
let seeded: SeededIncident;
let spare: SeededIncident;
let forced: SeededIncident;

/** Waits until `ready()`, failing the test after a minute instead of hanging. */
async function until(ready: () => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  proxy = await startFaultProxy(motoUrl);
  seeded = await seedIncident(clients, {
    bucket: 'ctrl-c-media',
    objects: 120,
    overwrites: 30,
    organization: true,
  });
  spare = await seedIncident(clients, {
    bucket: 'ctrl-c-prompt',
    objects: 5,
    user: false,
    role: false,
    organization: false,
  });
  forced = await seedIncident(clients, {
    bucket: 'ctrl-c-twice',
    objects: 30,
    user: false,
    role: false,
    organization: false,
  });
});
afterAll(() => proxy.close());

const journalOf = (path: string) => verifyJournal(readFileSync(path));
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
/** The screen's text with the summary's wrapped lines joined again. */
const unwrapped = (screen: string) => screen.replace(/\r/g, '').replace(/\n {4,}/g, ' ');
/** The printed `... resume <journal>` command: the line under "Finish the run", as the terminal showed it. */
const resumeCommand = (screen: string) =>
  /Finish the run[^\n]*:\n {6}(\S.*resume \S+)\n/.exec(screen.replace(/\r/g, ''))?.[1];

describe('Ctrl-C during apply', () => {
  const incident = 'INC-CTRLC';
  const cwd = scratch();
  const journal = join(cwd, 'evidence', incident, 'journal.jsonl');
  // One signing key for the run and its resume (a resume must sign with the run's key).
  const env = drpEnv();
  let screen = '';
  let code: number | null;

  it('finishes the calls in flight, records them, seals, releases the locks and says what is in place', async () => {
    // 40 holds go through; from the 41st on each waits at the proxy until released.
    proxy.configure({ holdOperation: 'S3.PutObjectLegalHold', holdFrom: 41 });
    const run = startDrpInPty(
      ['--incident', incident, 'contain', ...containFlags(seeded), '--concurrency', '4'],
      {
        endpoint: proxy.url,
        cwd,
        env,
      },
    );
    // On a terminal drp asks when the incident was detected (the GDPR clock) before it plans.
    await run.waitFor(/When was the incident detected\?/);
    run.type('45m\r');
    await run.waitFor(/\[y\/N\]/);
    expect(unwrapped(run.screen())).toMatch(/detected \S+Z: notify the supervisory authority by \S+Z/);
    run.type('y\r');
    await until(() => proxy.stats.held >= 4, 'four legal holds held at the proxy');
    run.type('\x03');
    await run.waitFor(/Interrupt received: finishing the calls in flight/);
    proxy.release();
    ({ code, screen } = await run.done);
    expect(code, screen).toBe(130);
    const text = unwrapped(screen);
    expect(text).toMatch(/INTERRUPTED by Ctrl-C \(SIGINT\)/);
    // Isolate first, then lock: everything that stops access is in place before the holds start.
    expect(text).toMatch(
      /In place: snapshot-config, block-public-access, disable-access-keys, revoke-role-sessions, deny-policy, scp-deny, .*object-lock\./,
    );
    expect(text).toMatch(
      /Stopped part-way: legal-holds \(done before the interrupt, and recorded: .*44 of 150 versions held before the interrupt/,
    );
    expect(text).toMatch(/Not run: evidence-bucket, preserve-bucket-state/);
    expect(screen).not.toMatch(/\n\s+at .+:\d+:\d+/);

    // The emulator: exactly the 40 + 4 in flight, each once.
    expect(proxy.legalHolds.size).toBe(44);
    // The manifest has every one of them, as placed.
    const dir = join(cwd, 'evidence', incident);
    const manifest = readdirSync(join(dir, 'artefacts')).find((f) => f.startsWith('legal-holds-'))!;
    const held = lines(join(dir, 'artefacts', manifest))
      .map((l) => JSON.parse(l) as { key: string; versionId: string; heldNow: boolean })
      .filter((l) => l.heldNow)
      .map((l) => `${l.key}\n${l.versionId}`);
    expect(held.sort()).toEqual([...proxy.legalHolds.keys()].sort());

    // The journal: sealed at the interrupt, with the step's partial and the steps not run.
    const v = journalOf(journal);
    expect(v).toMatchObject({ ok: true, sealed: true, stoppedByInterrupt: true });
    const stop = v.entries.find((e) => e.type === 'interrupted') as Entry;
    expect(stop).toMatchObject({ signal: 'SIGINT', stepId: 'legal-holds', data: { held: 44 } });
    expect(stop.notRun).toContain('evidence-bucket');
    expect(v.entries.some((e) => e.type === 'result' && e.stepId === 'legal-holds')).toBe(false);
    expect(v.entries.at(-1)).toMatchObject({ type: 'seal', outcome: 'interrupted' });
    // The locks are gone.
    expect(existsSync(join(dir, 'incident.lock'))).toBe(false);
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it('a re-run of the incident offers resume instead of starting run-2/', async () => {
    const again = await runDrp(['--incident', incident, 'contain', ...containFlags(seeded), '--yes'], {
      endpoint: motoUrl,
      cwd,
      env,
    });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toMatch(
      /incident INC-CTRLC has an unfinished run: evidence\/INC-CTRLC\/journal.jsonl was interrupted in step legal-holds .*Finish it with: .*resume evidence\/INC-CTRLC\/journal.jsonl/,
    );
    expect(existsSync(join(cwd, 'evidence', incident, 'run-2'))).toBe(false);
  });

  it('the printed resume command runs as printed and finishes the containment', async () => {
    proxy.configure({});
    const printed = resumeCommand(screen);
    expect(printed).toMatch(/^node \S+\/dist\/cli\.js resume evidence\/INC-CTRLC\/journal\.jsonl$/);
    const out = execFileSync('sh', ['-c', `${printed} --yes`], {
      cwd,
      env: { ...env, AWS_ENDPOINT_URL: motoUrl },
      encoding: 'utf8',
    });
    expect(out).toMatch(/CONTAINED: every applicable control is in place/);
    expect(await missingControls(clients, seeded, incident)).toEqual([]);
    const v = journalOf(journal);
    expect(v).toMatchObject({ ok: true, sealed: true, stoppedByInterrupt: false });
    expect(v.entries.filter((e) => e.type === 'seal').map((e) => e.outcome)).toEqual([
      'interrupted',
      'completed',
    ]);
    // Anchored with what the interrupted attempt wrote (its legal-hold manifest).
    expect(out).toMatch(/anchored: s3:\/\/\S+ \(journal, head.json and \d+ artefact/);
    const anchored = v.entries.filter((e) => e.type === 'artefact').length;
    expect(out).toContain(`and ${anchored} artefact(s)`);
  });
});

describe('Ctrl-C at the [y/N] prompt', () => {
  it('is a no: a sealed journal of the declined plan, exit 1, nothing changed, no stack, no resume advice', async () => {
    const cwd = scratch();
    const run = startDrpInPty(['--incident', 'INC-NO', 'contain', '--bucket', spare.bucket], {
      endpoint: motoUrl,
      cwd,
    });
    await run.waitFor(/When was the incident detected\?/);
    run.type('\r');
    await run.waitFor(/\[y\/N\]/);
    expect(unwrapped(run.screen())).toMatch(
      /WARNING: detection time not given: the clock starts at this run/,
    );
    run.type('\x03');
    const { code, screen } = await run.done;
    expect(code, screen).toBe(1);
    expect(screen).toMatch(/Declined: nothing was changed\./);
    expect(screen).not.toMatch(/resume|Interrupt received|\n\s+at .+:\d+:\d+/);
    const v = journalOf(join(cwd, 'evidence', 'INC-NO', 'journal.jsonl'));
    expect(v).toMatchObject({ ok: true, sealed: true });
    expect(v.entries.at(-1)).toMatchObject({ outcome: 'declined' });
    await expect(
      clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: spare.bucket })),
    ).rejects.toMatchObject({ name: 'NoSuchPublicAccessBlockConfiguration' });
  });
});

describe('a second Ctrl-C', () => {
  it('forces the exit: the journal stays valid to its last line, the locks go, and resume still finishes', async () => {
    const incident = 'INC-FORCE';
    const cwd = scratch();
    const journal = join(cwd, 'evidence', incident, 'journal.jsonl');
    const env = drpEnv();
    proxy.configure({ holdOperation: 'S3.PutObjectLegalHold', holdFrom: 1 });
    const run = startDrpInPty(
      ['--incident', incident, 'contain', '--bucket', forced.bucket, '--yes', '--concurrency', '2'],
      { endpoint: proxy.url, cwd, env },
    );
    await until(() => proxy.stats.held >= 2, 'two legal holds held at the proxy');
    run.type('\x03');
    await run.waitFor(/Interrupt received/);
    run.type('\x03');
    const { code, screen } = await run.done;
    proxy.release({ forward: false });
    expect(code, screen).toBe(130);
    expect(unwrapped(screen)).toMatch(
      /forced exit: the journal is valid up to its last entry, but not sealed; finish the run with: \S.* resume evidence\/INC-FORCE\/journal.jsonl/,
    );
    const v = journalOf(journal);
    expect(v).toMatchObject({ ok: false, interrupted: true, sealed: false });
    expect(existsSync(join(cwd, 'evidence', incident, 'incident.lock'))).toBe(false);
    expect(existsSync(`${journal}.lock`)).toBe(false);
    proxy.configure({});
    const out = await runDrp(['resume', journal, '--yes'], { endpoint: motoUrl, cwd, env });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(journalOf(journal)).toMatchObject({ ok: true, sealed: true });
  });
});
