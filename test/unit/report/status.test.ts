import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';

const NOW = '2026-11-25T04:00:00Z';

/** A contain run stopped by Ctrl-C in the legal holds, with two steps not run; sealed so. */
async function interruptedContain(extra: Record<string, unknown> = {}) {
  const signer = testSigner();
  const journal = JournalWriter.create(join(scratch(), 'ev'), signer, () => new Date('2026-11-25T03:00:00Z'));
  await journal.append('genesis', {
    command: 'contain',
    incidentId: 'INC-CTRLC',
    detectedAt: '2026-11-25T02:40:00.000Z',
    signer: { publicKeyPem: signer.publicKeyPem, fingerprint: signer.fingerprint },
    ...extra,
  });
  const step = (stepId: string, stepType: string) => ({ stepId, stepType });
  const bpa = step('block-public-access', 's3-block-public-access');
  await journal.append('intent', {
    ...bpa,
    plan: { observed: {}, changes: [{ action: 'put-public-access-block', target: 's3://m' }] },
  });
  await journal.append('result', {
    ...bpa,
    outcome: 'applied',
    changes: [{ action: 'put-public-access-block', target: 's3://m' }],
  });
  const lock = step('object-lock', 's3-object-lock');
  await journal.append('intent', {
    ...lock,
    plan: { observed: {}, changes: [{ action: 'put-legal-hold', target: 's3://m', count: 400 }] },
  });
  await journal.append('interrupted', {
    ...lock,
    signal: 'SIGINT',
    changes: [
      {
        action: 'put-legal-hold',
        target: 's3://m',
        detail: '44 of 400 versions held before the interrupt',
        count: 44,
      },
    ],
    requestIds: [],
    notRun: ['deny-policy', 'evidence-bucket'],
  });
  await journal.seal({ outcome: 'interrupted' });
  return journal.path;
}

describe('the report of an interrupted run', () => {
  it('opens with a status box that says INTERRUPTED, what is still open, the deadline and exit code 130', async () => {
    const path = await interruptedContain();
    const { text, exitCode } = await report(path, { now: NOW });
    expect(exitCode).toBe(0); // the journal itself is intact
    expect(text.split('\n').slice(2, 7)).toEqual([
      '> **INTERRUPTED by Ctrl-C (SIGINT): the calls in flight finished and are recorded; the journal is sealed.**',
      '>',
      '> - Still open: object-lock (interrupted), deny-policy (not run), evidence-bucket (not run).',
      '> - Notify the supervisory authority by 2026-11-28 02:40:00 UTC (GDPR Art. 33: 72 hours from detection, 2026-11-25 02:40:00 UTC); at report time 70 h 40 min left.',
      '> - Exit code of the run: 130.',
    ]);
    expect(text).toContain('**INTERRUPTED**');
    expect(text).toContain(
      'done before the interrupt: put-legal-hold s3://m: 44 of 400 versions held before the interrupt',
    );
    expect(text).toMatch(
      /\*\*INTERRUPTED\*\* `object-lock`: the run was stopped during this step .*it has not run to its end/,
    );
    expect(text).toContain(
      'Not run yet (the run was interrupted): deny-policy, evidence-bucket. drp resume of this journal runs them',
    );
  });

  it('says when the detection time was not given, without blaming anyone', async () => {
    const path = await interruptedContain({ detectedAt: '2026-11-25T03:00:00.000Z', detectedAtGiven: false });
    const { text } = await report(path, { now: NOW });
    expect(text).toContain(
      'detection time not given: the clock starts at the run, later than the real detection',
    );
  });
});
