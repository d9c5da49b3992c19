import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Entry, EntryType } from '../../../src/journal/entry.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { buildReportModel } from '../../../src/report/model.js';
import { scratch } from '../../support/drp.js';
import { journalLines, testSigner } from '../../support/journal.js';
import { containedRun, reportModelOf, writeRun, type FixtureRun } from '../../support/report-journals.js';

const modelOfRun = async (run: FixtureRun) => reportModelOf((await writeRun(run)).path);
const modelOf = (path: string) => reportModelOf(path);

const failure = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('report findings and what remains to do', () => {
  it('makes a failed step a finding, skips what followed, and lists what it did not do', async () => {
    const m = await modelOfRun({
      steps: [
        {
          id: 'disable-keys',
          type: 'iam-disable-access-keys',
          changes: [
            { action: 'deactivate-access-key', target: 'AKIA1' },
            { action: 'deactivate-access-key', target: 'AKIA2' },
          ],
          fails: {
            error: failure('AccessDenied', 'not authorized to perform iam:UpdateAccessKey'),
            done: [{ action: 'deactivate-access-key', target: 'AKIA1' }],
          },
        },
        { id: 'object-lock', type: 's3-object-lock' },
      ],
    });
    expect(m.run.outcome).toBe('failed');
    expect(m.steps.map((s) => s.outcome)).toEqual(['failed', 'skipped']);
    expect(m.findings).toEqual([
      {
        kind: 'failed',
        stepId: 'disable-keys',
        text: 'AccessDenied: not authorized to perform iam:UpdateAccessKey (done before it failed: deactivate-access-key AKIA1)',
      },
      {
        kind: 'skipped',
        stepId: 'object-lock',
        text: 'not run: step "disable-keys" failed and has onError: stop',
      },
    ]);
    expect(m.remaining[0]).toMatch(/^disable-keys: not done: deactivate-access-key AKIA2\. Fix the cause/);
    expect(m.remaining[0]).not.toMatch(/AKIA1/);
    expect(m.remaining[1]).toMatch(/^object-lock \(s3-object-lock\): not run/);
  });

  it('makes every note of a plan or a result a finding, once', async () => {
    const m = await modelOfRun({
      steps: [
        {
          id: 'cloudtrail',
          type: 'cloudtrail-status',
          notes: ['no trail covers eu-central-1: evidence is missing'],
          applyNotes: ['no trail covers eu-central-1: evidence is missing', 'log file validation is off'],
        },
        {
          id: 'scp',
          type: 'org-scp-deny',
          notes: ['SCP not applied: SCPs do not restrict the management account'],
        },
      ],
    });
    expect(m.findings.map((f) => [f.stepId, f.text])).toEqual([
      ['cloudtrail', 'no trail covers eu-central-1: evidence is missing'],
      ['cloudtrail', 'log file validation is off'],
      ['scp', 'SCP not applied: SCPs do not restrict the management account'],
    ]);
  });

  it('reports scan counts from a rekognition-scan result, and the flagged objects as a to-do', async () => {
    const ref = (path: string) => ({ name: path, path, size: 812, sha256: 'f'.repeat(64) });
    const m = await modelOfRun({
      steps: [
        {
          id: 'scan',
          type: 'rekognition-scan',
          // The shape issue 6's rekognition-scan journals.
          data: {
            bucket: 'product-media-prod',
            scanned: 340,
            calls: 340,
            withFindings: 12,
            byLabel: { Deepfake: 10, 'Explicit Nudity': 2 },
            top: [
              { key: 'ads/a.png', versionId: 'v1', label: 'Deepfake', confidence: 99.1 },
              { key: 'ads/b.png', versionId: 'v2', label: 'Deepfake', confidence: 98 },
              { key: 'ads/c.png', versionId: 'v3', label: 'Deepfake', confidence: 97 },
              { key: 'ads/d.png', versionId: 'v4', label: 'Explicit Nudity', confidence: 96 },
            ],
            rejected: {},
            skipped: { 'not JPEG or PNG': 25 },
            findings: ref('artefacts/scan-findings.jsonl'),
            skippedList: ref('artefacts/scan-skipped.jsonl'),
          },
        },
      ],
    });
    expect(m.findings).toEqual([
      {
        kind: 'scan',
        stepId: 'scan',
        text:
          'synthetic-media scan: 340 image(s) scanned; 12 with findings; by label: Deepfake 10, Explicit Nudity 2; ' +
          'not scanned: not JPEG or PNG 25; top: ads/a.png (Deepfake 99.1%), ads/b.png (Deepfake 98%), ' +
          'ads/c.png (Deepfake 97%), +1 more; findings file artefacts/scan-findings.jsonl',
      },
    ]);
    expect(m.remaining[0]).toBe('scan: review the 12 objects the scan flagged (its findings artefact).');
  });

  it('reads a scan that journals its findings as a plain count', async () => {
    const m = await modelOfRun({ steps: [{ id: 'scan', type: 'rekognition-scan', data: { findings: 3 } }] });
    expect(m.findings[0]!.text).toBe('synthetic-media scan: 3 with findings');
    expect(m.remaining[0]).toMatch(/^scan: review the 3 objects/);
  });

  it('labels a dry-run journal a rehearsal: steps planned, nothing applied, no notification to-do', async () => {
    const m = await modelOfRun({
      ...containedRun(),
      dryRun: true,
      steps: [
        ...containedRun().steps,
        { id: 'scp', planFails: failure('AWSOrganizationsNotInUseException', 'not in an organization') },
      ],
    });
    expect(m.rehearsal).toBe(true);
    expect(m.run.outcome).toBe('dry-run');
    expect(m.steps.map((s) => s.outcome)).toEqual(['planned', 'planned', 'planned', 'failed']);
    expect(m.steps[0]!.planned).toEqual([{ action: 'record-config', target: 's3://product-media-prod' }]);
    expect(m.steps[3]).toMatchObject({
      phase: 'plan',
      error: 'AWSOrganizationsNotInUseException: not in an organization',
    });
    expect(m.findings[0]).toMatchObject({
      kind: 'failed',
      text: expect.stringMatching(/^could not be planned/),
    });
    expect(m.remaining.join('\n')).toMatch(
      /rehearsal \(dry run\): nothing was changed\. Run the same command without --dry-run to apply the 3 planned changes/,
    );
    expect(m.remaining.join('\n')).not.toMatch(/supervisory authority/);
  });

  it('makes an intent with no result (a run cut short) a finding', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { incidentId: 'INC-2', signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('intent', {
      stepId: 'object-lock',
      stepType: 's3-object-lock',
      plan: { observed: {}, changes: [{ action: 'put-legal-hold', target: 's3://b', detail: '9 versions' }] },
    });
    journal.close();
    const m = await modelOf(journal.path);
    expect(m.journal).toMatchObject({
      intact: false,
      sealed: false,
      failure: { reason: expect.stringMatching(/no seal/) },
    });
    expect(m.run.outcome).toBe('not sealed');
    expect(m.steps[0]!.outcome).toBe('no-result');
    expect(m.findings.map((f) => f.kind)).toEqual(['journal', 'no-result']);
    expect(m.remaining[0]).toBe(
      'object-lock: check put-legal-hold s3://b: 9 versions in AWS, then run the same command again.',
    );
  });

  it('lists what failed before notes, each kind in step order', async () => {
    const m = await modelOfRun({
      steps: [
        { id: 'cloudtrail', changes: [], notes: ['no trail covers eu-central-1'] },
        { id: 'scp', fails: { error: failure('AccessDenied', 'denied') }, onError: 'continue' },
        { id: 'bpa', notes: ['bucket was public'] },
      ],
    });
    expect(m.findings.map((f) => `${f.kind} ${f.stepId}`)).toEqual([
      'failed scp',
      'note cloudtrail',
      'note bpa',
    ]);
  });

  it('records a declined plan: a finding, and the planned changes still to apply', async () => {
    const m = await modelOfRun({ ...containedRun(), declined: true });
    expect(m.rehearsal).toBe(false);
    expect(m.run.outcome).toBe('declined');
    expect(m.findings).toEqual([
      { kind: 'declined', text: 'the operator declined the plan: nothing was applied' },
    ]);
    expect(m.remaining[0]).toBe(
      'The plan was declined: nothing was changed. Run the same command to apply the 3 planned changes.',
    );
  });

  it('reads a resumed journal: the step the run stopped in is interrupted, then run again, and the resume is a finding', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    const step = { stepId: 'object-lock', stepType: 's3-object-lock' };
    const plan = { observed: {}, changes: [{ action: 'put-legal-hold', target: 's3://b' }] };
    await journal.append('genesis', { incidentId: 'INC-3', signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('intent', { ...step, plan });
    // What `drp resume` appends (its entry type arrives with the resume branch).
    await journal.append('resume' as EntryType, {
      previousEntries: 2,
      done: [],
      remaining: ['object-lock'],
      caller: { arn: 'arn:aws:sts::1:assumed-role/IR/bob' },
      tornTail: { file: 'journal.torn-2026', size: 12, sha256: 'c'.repeat(64) },
    });
    await journal.append('intent', { ...step, plan });
    await journal.append('result', {
      ...step,
      outcome: 'applied',
      changes: plan.changes,
      requestIds: ['R1'],
    });
    await journal.seal({ outcome: 'completed', resumed: true });
    const bytes = readFileSync(journal.path);
    const entries = journalLines(journal.path).map(
      (l) =>
        JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString()) as Entry,
    );
    const m = buildReportModel({
      verification: { ...verifyJournal(bytes), ok: true, sealed: true, failure: undefined, entries },
      totalLines: entries.length,
      pinned: false,
      artefactChecks: new Map(),
      now: new Date('2026-11-25T05:00:00Z'),
      timeZone: 'UTC',
    });
    expect(m.steps.map((s) => s.outcome)).toEqual(['interrupted', 'applied']);
    expect(m.resumes).toHaveLength(1);
    expect(m.findings.map((f) => f.kind)).toEqual(['resumed', 'interrupted']);
    expect(m.findings[0]!.text).toMatch(
      /^the run stopped early and was resumed at .* by arn:aws:sts::1:assumed-role\/IR\/bob: 0 steps done before, 1 to go; its torn last line was kept in journal\.torn-2026 \(SHA-256 c{64}\)$/,
    );
    expect(m.remaining.join('\n')).not.toMatch(/object-lock/);
  });
});
