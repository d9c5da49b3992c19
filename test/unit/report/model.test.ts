import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalLines, writeLines } from '../../support/journal.js';
import {
  containedRun,
  INCIDENT,
  PRINCIPAL_ARN,
  reportModelOf,
  writeRun,
  type FixtureRun,
} from '../../support/report-journals.js';

const NOW = new Date('2026-11-25T05:00:00.000Z');
const modelOf = (path: string) => reportModelOf(path, NOW);
const modelOfRun = async (run: FixtureRun) => modelOf((await writeRun(run)).path);

describe('report model', () => {
  it('identifies the incident, the operator and the caller from genesis', async () => {
    const m = await modelOfRun(containedRun());
    expect(m.incident).toMatchObject({
      incidentId: INCIDENT,
      command: 'contain',
      runbook: { name: 'deepfake-s3-leak', sha256: 'ab'.repeat(32) },
      operator: 'Alice Responder',
      caller: { accountId: '123456789012', principalArn: PRINCIPAL_ARN },
      region: 'eu-central-1',
      exemptPrincipals: [PRINCIPAL_ARN],
    });
    expect(m.incident.params).toEqual([
      ['bucket', 'product-media-prod'],
      ['users', '["vendor-ai"]'],
    ]);
    expect(m.rehearsal).toBe(false);
    expect(m.run.outcome).toBe('completed');
  });

  it('puts every step on the timeline in order, with its duration and the time to that control', async () => {
    const m = await modelOfRun(containedRun());
    expect(
      m.steps.map((s) => [s.stepId, s.outcome, s.start, s.durationMs, s.sinceStartMs, s.requestIds]),
    ).toEqual([
      ['snapshot', 'applied', '2026-11-25T03:00:00.000Z', 800, 800, ['req-snapshot']],
      ['block-public-access', 'applied', '2026-11-25T03:00:00.800Z', 1200, 2000, ['REQ-BPA-1']],
      ['object-lock', 'applied', '2026-11-25T03:00:02.000Z', 45_000, 47_000, ['REQ-OL-1', 'REQ-OL-2']],
    ]);
    expect(m.steps[2]!.changes).toEqual([
      { action: 'put-legal-hold', target: 's3://product-media-prod', count: 312, detail: '312 versions' },
    ]);
    expect(m.run).toMatchObject({ stepsMs: 47_000, sinceDetectionMs: 20 * 60_000 + 47_000 });
  });

  it('starts the 72-hour clock at the detection time recorded in genesis', async () => {
    const m = await modelOfRun(containedRun());
    expect(m.clock).toEqual({
      detectedAt: '2026-11-25T02:40:00.000Z',
      detectedAtSource: 'genesis',
      deadline: '2026-11-28T02:40:00.000Z',
      now: NOW.toISOString(),
      remainingMs: (72 * 60 - 140) * 60_000,
    });
    expect(m.remaining.at(-1)).toMatch(/notify the supervisory authority by 2026-11-28 02:40:00 UTC/);
  });

  it('falls back to the first entry for a journal from before --detected-at', async () => {
    const m = await modelOfRun({ ...containedRun(), genesis: { detectedAt: undefined } });
    expect(m.clock).toMatchObject({
      detectedAt: '2026-11-25T03:00:00.000Z',
      detectedAtSource: 'first-entry',
      deadline: '2026-11-28T03:00:00.000Z',
    });
  });

  it('lists artefacts with size, SHA-256, source, the step that wrote them and any evidence-bucket location', async () => {
    const location = `s3://drp-evidence-123456789012-eu-central-1/incidents/${INCIDENT}/artefacts/bucket-config.json`;
    const run = containedRun();
    run.extra = [
      {
        type: 'artefact',
        body: {
          name: 'uploaded.json',
          path: 'artefacts/bucket-config.json',
          size: 16,
          sha256: createHash('sha256').update('{"policy":null}\n').digest('hex'),
          location,
        },
      },
    ];
    const m = await modelOfRun(run);
    expect(m.artefacts[0]).toMatchObject({
      name: 'bucket-config.json',
      path: 'artefacts/bucket-config.json',
      size: 16,
      sha256: createHash('sha256').update('{"policy":null}\n').digest('hex'),
      stepId: 'snapshot',
      source: 's3://product-media-prod',
      check: 'verified',
    });
    expect(m.artefacts[1]).toMatchObject({ location, check: 'verified' });
    expect(m.evidenceBucket).toEqual({
      bucket: 'drp-evidence-123456789012-eu-central-1',
      prefix: `s3://drp-evidence-123456789012-eu-central-1/incidents/${INCIDENT}/`,
      stored: 1,
    });
    expect(m.journal).toMatchObject({ intact: true, sealed: true, entryCount: 10, pinned: false });
  });

  it('reports a tampered journal with its failing line, from the entries before it only', async () => {
    const { path } = await writeRun(containedRun());
    const lines = journalLines(path);
    const env = JSON.parse(lines[4]!) as { payload: string };
    const entry = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as Record<string, unknown>;
    env.payload = Buffer.from(JSON.stringify({ ...entry, outcome: 'nothing-to-do' })).toString('base64');
    lines[4] = JSON.stringify(env);
    writeLines(path, lines);
    const m = await modelOf(path);
    expect(m.journal).toMatchObject({
      intact: false,
      failure: { line: 5, reason: expect.stringMatching(/signature does not verify/) },
      entriesVerified: 4,
      unverifiedLines: lines.length - 4,
    });
    expect(m.findings[0]).toEqual({
      kind: 'journal',
      text: expect.stringMatching(/^journal failed verification at line 5/),
    });
    expect(m.steps.map((s) => s.stepId)).toEqual(['snapshot']);
  });

  it('flags an artefact file that changed or whose path leaves the evidence dir, without reading outside it', async () => {
    const run = containedRun();
    run.extra = [
      {
        type: 'artefact',
        body: { name: 'escape', path: '../../etc/passwd', size: 1, sha256: '0'.repeat(64) },
      },
    ];
    const { path, dir } = await writeRun(run);
    writeLines(join(dir, 'artefacts', 'bucket-config.json'), ['{"policy":"changed"}']);
    const m = await modelOf(path);
    expect(m.artefacts.map((a) => a.check)).toEqual(['changed', 'outside']);
    expect(m.journal.intact).toBe(false);
    expect(m.findings.filter((f) => f.kind === 'journal').map((f) => f.text)).toEqual([
      'artefact artefacts/bucket-config.json (journal line 3): changed',
      'artefact ../../etc/passwd (journal line 9): outside',
    ]);
  });

  it("takes an artefact's evidence-bucket location from a later step's journaled uploads, for the same bytes only", async () => {
    const content = '{"policy":null}\n';
    const sha256 = createHash('sha256').update(content).digest('hex');
    const bucket = 'drp-evidence-123456789012-eu-central-1';
    const where = (name: string) => `s3://${bucket}/incidents/${INCIDENT}/bucket-state/${name}`;
    const run = containedRun();
    run.steps.push({
      id: 'preserve-state',
      type: 'preserve-bucket-state',
      // The shape issue 5's preserve-bucket-state journals.
      data: {
        uploads: [
          {
            name: 'bucket-config.json',
            path: 'artefacts/bucket-config.json',
            size: 16,
            sha256,
            location: where('bucket-config.json'),
            versionId: 'v7',
          },
          {
            name: 'other',
            path: 'artefacts/other.json',
            size: 1,
            sha256: '0'.repeat(64),
            location: where('other.json'),
          },
        ],
      },
    });
    const m = await modelOfRun(run);
    expect(m.artefacts.map((a) => a.location)).toEqual([`${where('bucket-config.json')} (versionId v7)`]);
    expect(m.evidenceBucket?.stored).toBe(1);

    const tampered = containedRun();
    tampered.steps.push({
      id: 'preserve-state',
      data: {
        uploads: [{ path: 'artefacts/bucket-config.json', sha256: '1'.repeat(64), location: where('x') }],
      },
    });
    expect((await modelOfRun(tampered)).artefacts[0]!.location).toBeUndefined();
  });
});
