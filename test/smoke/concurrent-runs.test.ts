import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients } from '../support/aws.js';
import { drpEnv, runDrp, scratch, startDrp } from '../support/drp.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { containFlags, missingControls, seedIncident, type SeededIncident } from '../support/incident.js';

const motoUrl = inject('motoUrl');
const clients = emulatorClients(motoUrl);
const incident = 'INC-TWICE';
let proxy: FaultProxy;
let seeded: SeededIncident;

beforeAll(async () => {
  proxy = await startFaultProxy(motoUrl);
  seeded = await seedIncident(clients, { objects: 60, overwrites: 10 });
});
afterAll(() => proxy.close());

const lineCount = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;

describe('two drp runs of one incident at once', () => {
  it('refuses the second (same journal, the next run-N dir, or a resume) and the first completes and verifies', async () => {
    // The first run stops at its legal holds until released: it is reliably still going.
    proxy.configure({ holdOperation: 'S3.PutObjectLegalHold' });
    const cwd = scratch();
    const env = drpEnv();
    const args = ['--incident', incident, 'contain', ...containFlags(seeded), '--yes'];
    const first = startDrp(args, { endpoint: proxy.url, cwd, env });
    const journal = join(cwd, 'evidence', incident, 'journal.jsonl');
    while (!proxy.stats.operations.has('S3.PutObjectLegalHold')) await new Promise((r) => setTimeout(r, 20));
    const before = readFileSync(journal);
    // The first run's own changes so far: its isolation (the deny included) came before its holds.
    const sent = new Map(proxy.stats.operations);
    expect(sent.get('S3.PutBucketPolicy')).toBe(1);

    // Default evidence dir: evidence/INC-TWICE/ holds a journal, so this run would go to run-2/.
    const second = await runDrp(args, { endpoint: proxy.url, cwd, env });
    expect(second.code, second.stderr).toBe(2);
    expect(second.stderr).toMatch(
      /incident INC-TWICE is already being run by drp \(pid \d+ on .+\) in evidence\/INC-TWICE; a second run of it at the same time is refused/,
    );
    expect(second.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(join(cwd, 'evidence', incident, 'run-2', 'journal.jsonl'))).toBe(false);

    // The same journal, named.
    const same = await runDrp([...args, '--evidence-dir', join('evidence', incident)], {
      endpoint: proxy.url,
      cwd,
      env,
    });
    expect(same.code, same.stderr).toBe(2);
    expect(same.stderr).toMatch(/already being run by drp/);

    // A resume of the running journal.
    const resumed = await runDrp(['resume', journal, '--yes'], { endpoint: proxy.url, cwd, env });
    expect(resumed.code, resumed.stderr).toBe(2);
    expect(resumed.stderr).toMatch(
      /journal\.jsonl is being written by drp \(pid \d+ .*a second writer is refused/,
    );

    // None of them wrote to the first run's journal, or sent a change.
    expect(readFileSync(journal)).toEqual(before);
    for (const op of ['S3.PutBucketPolicy', 'S3.PutPublicAccessBlock', 'S3.PutObjectLockConfiguration'])
      expect(proxy.stats.operations.get(op), op).toBe(sent.get(op));

    proxy.release();
    const done = await first.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(lineCount(journal)).toBeGreaterThan(before.toString().split('\n').length);
    expect(verifyJournal(readFileSync(journal)).ok).toBe(true);
    expect([...proxy.legalHolds.values()].every((n) => n === 1)).toBe(true);
    expect(proxy.legalHolds.size).toBe(seeded.versions.length);
    expect(await missingControls(clients, seeded, incident)).toEqual([]);
    expect(existsSync(join(cwd, 'evidence', incident, 'incident.lock'))).toBe(false);
  });
});
