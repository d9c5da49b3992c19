import { describe, expect, it } from 'vitest';
import { renderPlan, renderSummary } from '../../../src/output/render.js';
import type { PlannedStep } from '../../../src/runbook/execute.js';
import type { AnyStep } from '../../../src/steps/define.js';

// An object key is attacker-chosen text: these would clear the screen, rewrite a line, or
// reverse what follows, if printed as they are.
const HOSTILE = 'clips/\u001b[2J\u001b[H\rALL CLEAR \u202egnp.mp4\u0007';
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/;

const planned: PlannedStep = {
  id: 'scan',
  type: 'rekognition-scan',
  onError: 'stop',
  definition: {} as AnyStep,
  params: {},
  plan: {
    observed: {},
    changes: [{ action: 'put-legal-hold', target: `s3://media/${HOSTILE}`, detail: HOSTILE }],
    notes: [`top 1: s3://media/${HOSTILE} Explicit Nudity 99.1%`],
  },
};

describe('terminal output of keys that hold control characters', () => {
  it('the plan spells them out instead of sending them to the terminal', () => {
    const text = renderPlan([
      planned,
      { ...planned, id: 'other', plan: undefined, planError: new Error(HOSTILE) },
    ]);
    expect(text).not.toMatch(RAW);
    expect(text).toContain('clips/\\u{1b}[2J\\u{1b}[H\\u{d}ALL CLEAR \\u{202e}gnp.mp4\\u{7}');
    expect(text.split('\n')).toHaveLength(5); // no line split by a key's CR or LF
  });

  it('so does the summary, in changes, errors, reasons and notes', () => {
    const text = renderSummary(
      {
        outcome: 'failed',
        steps: [
          {
            id: 'scan',
            type: 'rekognition-scan',
            outcome: 'failed',
            changes: planned.plan!.changes,
            notes: planned.plan!.notes!,
            requestIds: [],
            error: {
              code: 'NoSuchKey',
              message: HOSTILE,
              text: `S3.PutObjectLegalHold: NoSuchKey: ${HOSTILE}`,
            },
          },
          {
            id: 'deny',
            type: 's3-deny-policy',
            outcome: 'skipped',
            changes: [],
            notes: [],
            requestIds: [],
            reason: HOSTILE,
          },
        ],
      },
      'evidence/INC-1/journal.jsonl',
    );
    expect(text).not.toMatch(RAW);
    expect(text).toMatch(/scan .*put-legal-hold s3:\/\/media\/clips\/\\u\{1b\}\[2J/);
  });
});

describe('a step that cannot apply where it runs', () => {
  it('is shown in the plan as not applicable with its reason, not as "nothing to do"', () => {
    const text = renderPlan([
      { ...planned, plan: { observed: {}, changes: [], notApplicable: 'not in an AWS organization' } },
    ]);
    expect(text).toContain('not applicable: not in an AWS organization');
    expect(text).not.toContain('nothing to do');
  });
});
