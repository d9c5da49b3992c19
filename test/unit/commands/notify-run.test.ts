import { describe, expect, it } from 'vitest';
import type { Notice, Notifier } from '../../../src/commands/notify.js';
import { phasesOf, runNotices } from '../../../src/commands/notify-run.js';
import type { Estimate } from '../../../src/runbook/estimate.js';
import type { PlannedStep, StepReport } from '../../../src/runbook/execute.js';
import { findStep } from '../../../src/steps/index.js';

const step = (id: string, type: string, changes = 1): PlannedStep => ({
  id,
  type,
  onError: 'continue',
  definition: findStep(type)!,
  params: {},
  plan: { observed: {}, changes: Array.from({ length: changes }, () => ({ action: 'x', target: 't' })) },
});
const report = (id: string, type: string, outcome: StepReport['outcome'], error?: string): StepReport => ({
  id,
  type,
  outcome,
  changes: [],
  notes: [],
  requestIds: [],
  ...(error
    ? { error: { code: 'AccessDenied', message: error, text: `Organizations.AttachPolicy: ${error}` } }
    : {}),
});

// The bundled contain runbook's shape: a snapshot, containment (each has a restore), then evidence.
const PLANNED = [
  step('snapshot-config', 's3-snapshot-config'),
  step('block-public-access', 's3-block-public-access'),
  step('deny-policy', 's3-deny-policy'),
  step('scp-deny', 'org-scp-deny'),
  step('evidence-bucket', 'evidence-bucket'),
  step('preserve-cloudtrail-logs', 'preserve-cloudtrail-logs'),
];
const ESTIMATE = {
  totalUsd: 1.5,
  atLeast: false,
  source: 'table',
  table: { date: 'D', region: 'us-east-1' },
} as Estimate;

function notices(command = 'contain') {
  const sent: Notice[] = [];
  const journal = { path: 'evidence/INC-7/journal.jsonl', headHash: 'h'.repeat(64), entryCount: 4 };
  const n = runNotices(PLANNED, {
    notifier: {
      send: (x: Notice) => void sent.push({ ...x, journal: { ...x.journal } }),
    } as unknown as Notifier,
    incidentId: 'INC-7',
    accountId: '123456789012',
    region: 'us-east-1',
    command,
    journal,
    detectedAt: '2026-11-25T00:00:00.000Z',
    now: () => new Date('2026-11-25T03:00:00.000Z'),
  });
  return { n, sent, journal };
}

describe('the notices of a run', () => {
  it('calls a step with a restore containment, and the steps after the last of them evidence', () => {
    expect(phasesOf(PLANNED)).toEqual({ containmentEnd: 3, evidence: [4, 5] });
    expect(phasesOf([step('a', 'evidence-bucket')])).toEqual({ containmentEnd: -1, evidence: [0] });
  });

  it('ends containment before the first step that writes evidence, even when later steps can be undone', () => {
    // securityhub-report and dynamodb-export have restores, but they report and preserve.
    const planned = [...PLANNED, step('export', 'dynamodb-export'), step('finding', 'securityhub-report')];
    expect(phasesOf(planned)).toEqual({ containmentEnd: 3, evidence: [4, 5, 6, 7] });
  });

  it('says at approval how many changes, which steps and the estimated cost', () => {
    const { n, sent } = notices();
    n.approved(ESTIMATE);
    expect(sent[0]).toMatchObject({
      event: 'approved',
      outcome: 'PLAN APPROVED',
      lines: [
        'drp contain is applying 6 change(s) in 6 step(s): snapshot-config, block-public-access, deny-policy, scp-deny, evidence-bucket, preserve-cloudtrail-logs',
        "Estimated AWS cost: $1.50; prices: drp's price table of D (us-east-1 list prices)",
        'Time left to notify (GDPR Art. 33): 69 h 00 min left',
      ],
      deadline: '2026-11-28 00:00:00 UTC',
      report: expect.stringMatching(/^drp report \/.*\/evidence\/INC-7\/journal\.jsonl --out report\.html$/),
    });
  });

  it('tells of each failed step at once, and once the last containment step is done, what is contained and what is open', () => {
    const { n, sent, journal } = notices();
    n.stepDone(report('snapshot-config', 's3-snapshot-config', 'applied'), 0);
    n.stepDone(report('block-public-access', 's3-block-public-access', 'applied'), 1);
    n.stepDone(report('deny-policy', 's3-deny-policy', 'nothing-to-do'), 2);
    expect(sent).toEqual([]);
    journal.entryCount = 11;
    n.stepDone(report('scp-deny', 'org-scp-deny', 'failed', 'AccessDenied'), 3);
    expect(sent.map((s) => [s.event, s.outcome])).toEqual([
      ['failed', 'STEP FAILED: scp-deny'],
      ['contained', 'PARTIALLY CONTAINED: 1 open'],
    ]);
    expect(sent[0]!.lines[0]).toBe(
      'scp-deny (org-scp-deny): failed: Organizations.AttachPolicy: AccessDenied',
    );
    expect(sent[1]!.lines.slice(0, 4)).toEqual([
      'Done: block-public-access, deny-policy',
      'Still open:',
      '  scp-deny (org-scp-deny): failed: Organizations.AttachPolicy: AccessDenied',
      '  evidence preservation: 2 step(s) still to run',
    ]);
    expect(sent[1]!.journal).toMatchObject({ head: 'h'.repeat(64), entries: 11 });
  });

  it('at the end, tells whether the evidence is preserved and where the journal is anchored', () => {
    const { n, sent } = notices();
    PLANNED.forEach((s, i) => n.stepDone(report(s.id, s.type, 'applied'), i));
    n.finished('s3://drp-evidence/incidents/INC-7/journals/j1/');
    expect(sent.map((s) => s.outcome)).toEqual(['CONTAINED', 'EVIDENCE PRESERVED']);
    expect(sent[0]!.lines[1]).toBe('Still open:');
    expect(sent[1]).toMatchObject({
      lines: [
        'Preserved: evidence-bucket, preserve-cloudtrail-logs',
        'Journal anchored at s3://drp-evidence/incidents/INC-7/journals/j1/',
        expect.any(String),
      ],
      report: expect.stringMatching(/; anchored at s3:\/\/drp-evidence\/incidents\/INC-7\/journals\/j1\/$/),
    });
  });

  it('names a harden run hardened, not contained', () => {
    const { n, sent } = notices('harden');
    PLANNED.slice(0, 4).forEach((s, i) => n.stepDone(report(s.id, s.type, 'applied'), i));
    expect(sent.map((s) => [s.event, s.outcome])).toEqual([['hardened', 'HARDENED']]);
  });
});
