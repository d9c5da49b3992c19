import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';

const step = { stepId: 'holds', stepType: 's3-object-lock' };

/** A run Ctrl-C stopped in step `holds`: intent, the interrupted entry, a seal saying so. */
async function interruptedRun(sealOutcome = 'interrupted') {
  const signer = testSigner();
  const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
  await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
  await journal.append('intent', { ...step, plan: { observed: {}, changes: [] } });
  await journal.append('interrupted', { ...step, signal: 'SIGINT', changes: [], notRun: ['evidence'] });
  await journal.seal({ outcome: sealOutcome });
  return { signer, path: journal.path };
}

const verify = (path: string) => verifyJournal(readFileSync(path));

describe('a journal sealed at an interrupt', () => {
  it('verifies as intact and sealed, and says the run stopped at an interrupt', async () => {
    const { path } = await interruptedRun();
    expect(verify(path)).toMatchObject({
      ok: true,
      sealed: true,
      stoppedByInterrupt: true,
      interrupted: false,
    });
  });

  it('may be continued by drp resume: a resume entry after that seal, then the rest, then a final seal', async () => {
    const { signer, path } = await interruptedRun();
    const journal = JournalWriter.continue(dirname(path), signer, verify(path).head!);
    await journal.append('resume', { done: [], remaining: ['holds', 'evidence'] });
    await journal.append('intent', { ...step, plan: { observed: {}, changes: [] } });
    await journal.append('result', { ...step, outcome: 'applied', changes: [] });
    await journal.seal({ outcome: 'completed', resumed: true });
    const v = verify(path);
    expect(v).toMatchObject({ ok: true, sealed: true, stoppedByInterrupt: false });
    expect(v.entries.map((e) => e.type)).toEqual([
      'genesis',
      'intent',
      'interrupted',
      'seal',
      'resume',
      'intent',
      'result',
      'seal',
    ]);
  });

  it('refuses anything but a resume entry after that seal', async () => {
    const { signer, path } = await interruptedRun();
    const journal = JournalWriter.continue(dirname(path), signer, verify(path).head!);
    await journal.append('result', { ...step, outcome: 'applied' });
    journal.close();
    expect(verify(path).failure).toEqual({
      line: 5,
      reason: `a "result" entry after an interrupted run's seal: only drp resume's may follow it`,
    });
  });

  it('a finished run stays finished: no resume entry after a completed seal', async () => {
    const { signer, path } = await interruptedRun('completed');
    const journal = JournalWriter.continue(dirname(path), signer, verify(path).head!);
    await journal.append('resume', { done: [], remaining: [] });
    journal.close();
    expect(verify(path).failure).toEqual({ line: 5, reason: 'entry after the seal: nothing may follow it' });
  });

  it('an interrupted entry must follow its step intent', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('interrupted', { ...step, signal: 'SIGINT', notRun: [] });
    await journal.seal({ outcome: 'interrupted' });
    expect(verify(journal.path).failure).toEqual({
      line: 2,
      reason: 'interrupted entry for step "holds" without its intent',
    });
  });
});
