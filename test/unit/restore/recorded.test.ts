import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter } from '../../../src/journal/writer.js';
import { readRun } from '../../../src/restore/recorded.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';

const genesis = (signer: ReturnType<typeof testSigner>) => ({
  command: 'contain',
  incidentId: 'INC-1',
  dryRun: false,
  region: 'us-east-1',
  caller: { accountId: '123456789012' },
  exemptPrincipals: [],
  signer: { publicKeyPem: signer.publicKeyPem, fingerprint: signer.fingerprint },
});
const plan = (policy: string | null) => ({ observed: { bucket: 'media', policy }, changes: [] });

describe('readRun', () => {
  it("takes a resumed step's before-state from its first intent, even when the re-plan found nothing to do", async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', genesis(signer));
    await journal.append('intent', {
      stepId: 'deny',
      stepType: 's3-deny-policy',
      params: {},
      plan: plan('ORIGINAL'),
    });
    await journal.append('resume', { done: [], remaining: ['deny'] });
    // Re-planned after the kill: the live policy already had drp's deny in it.
    await journal.append('intent', {
      stepId: 'deny',
      stepType: 's3-deny-policy',
      params: {},
      plan: plan('WITH-DENY'),
    });
    await journal.append('result', {
      stepId: 'deny',
      stepType: 's3-deny-policy',
      outcome: 'nothing-to-do',
      changes: [],
    });
    await journal.seal();
    const run = readRun(journal.path);
    expect(run.steps).toEqual([
      expect.objectContaining({ id: 'deny', plan: plan('ORIGINAL'), interrupted: false, resumed: true }),
    ]);
  });

  it('keeps a step cut off after its intent (it may be half-done), and drops steps that changed nothing', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', genesis(signer));
    await journal.append('intent', {
      stepId: 'bpa',
      stepType: 's3-block-public-access',
      params: {},
      plan: plan(null),
    });
    await journal.append('result', {
      stepId: 'bpa',
      stepType: 's3-block-public-access',
      outcome: 'nothing-to-do',
    });
    await journal.append('intent', {
      stepId: 'deny',
      stepType: 's3-deny-policy',
      params: {},
      plan: plan(null),
    });
    journal.close();
    const run = readRun(journal.path);
    expect(run.sealed).toBe(false);
    expect(run.steps.map((s) => [s.id, s.interrupted])).toEqual([['deny', true]]);
    expect(run.unchanged).toEqual([{ id: 'bpa', type: 's3-block-public-access', outcome: 'nothing-to-do' }]);
  });

  it('reads only artefacts the journal names with that SHA-256, inside the evidence dir', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', genesis(signer));
    const ref = await journal.artefacts.write('holds.jsonl', '{"key":"a"}\n');
    await journal.seal();
    const run = readRun(journal.path);
    expect(await run.artefact(ref)).toBe(join(run.dir, ref.path));
    await expect(run.artefact({ path: ref.path, sha256: '0'.repeat(64) })).rejects.toThrow(
      /is not journaled by the run/,
    );
    await expect(run.artefact({ path: '../x', sha256: ref.sha256 })).rejects.toThrow(
      /outside the evidence directory/,
    );
  });
});
