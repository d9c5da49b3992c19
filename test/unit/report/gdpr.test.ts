import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { scratch } from '../../support/drp.js';
import { containedRun, writeRun, type FixtureRun } from '../../support/report-journals.js';

const NOW = '2026-11-25T05:00:00Z';

/** A `drp scan --incident` run of the same incident, in run-2/ beside the containment's journal. */
const scanRun = (): FixtureRun => ({
  genesis: { command: 'scan', runbook: { name: 'scan-synthetic-media', path: 'x', sha256: 'cd'.repeat(32) } },
  steps: [
    {
      id: 'scan',
      type: 'rekognition-scan',
      changes: [{ action: 'scan-images', target: 's3://product-media-prod/', count: 240 }],
      data: { scanned: 240, withFindings: 31, byLabel: { 'Explicit Nudity': 31 } },
    },
  ],
});

/** A `drp scan --provenance` run: `withFindings` images declared AI-generated. */
const provenanceRun = (withFindings: number): FixtureRun => ({
  genesis: { command: 'scan', runbook: { name: 'scan-provenance', path: 'x', sha256: 'ef'.repeat(32) } },
  steps: [
    {
      id: 'provenance',
      type: 'provenance-scan',
      changes: [{ action: 'read-provenance', target: 's3://product-media-prod/', count: 50 }],
      data: {
        kind: 'provenance',
        bucket: 'product-media-prod',
        scanned: 50,
        withFindings,
        byClass: withFindings ? { 'declared-ai': withFindings, none: 50 - withFindings } : { none: 50 },
      },
    },
  ],
});

async function draftBesideScan(scan: FixtureRun): Promise<string> {
  const dir = join(scratch(), 'evidence', 'INC-20261125-030000-ab12');
  const { path } = await writeRun(containedRun(), dir);
  await writeRun(scan, join(dir, 'run-2'));
  return (await report(path, { format: 'gdpr', now: NOW })).text;
}

describe('drp report --format gdpr', () => {
  it('drafts the Art. 33(3) notification: journal facts filled in, what only people know marked to fill', async () => {
    const { path } = await writeRun(containedRun());
    const { text, exitCode } = await report(path, { format: 'gdpr', now: NOW });
    expect(exitCode).toBe(0);
    expect(text).toMatch(
      /^# DRAFT: notification of a personal data breach \(GDPR Art\. 33\), incident INC-20261125-030000-ab12/,
    );
    for (const heading of [
      '## Timing',
      '## (a) Nature of the breach',
      '## (b) Contact point',
      '## (c) Likely consequences',
      '## (d) Measures taken or proposed',
      '## Evidence preserved',
    ])
      expect(text).toContain(heading);
    // What drp knows, from the journal.
    expect(text).toContain('- Became aware (detected): 2026-11-25 02:40:00 UTC.');
    expect(text).toContain('- Notification due by: 2026-11-28 02:40:00 UTC.');
    expect(text).toContain(
      'AWS account 123456789012, region eu-central-1; S3 bucket product-media-prod; IAM users vendor-ai.',
    );
    expect(text).toMatch(
      /- 2026-11-25 03:00:02 UTC: block-public-access: put-public-access-block s3:\/\/product-media-prod: all four on\./,
    );
    expect(text).toMatch(/artefacts\/bucket-config\.json: SHA-256 [0-9a-f]{64}\./);
    // What only people know: marked, never invented.
    expect(text).toContain('- Approximate number of data subjects: **\\[TO FILL: number, or a range\\]**');
    expect(text).toContain('- Data protection officer or contact point: **\\[TO FILL: name\\]**');
    expect(text.match(/\*\*\\\[TO FILL: /g)!.length).toBeGreaterThanOrEqual(9);
    expect(text).not.toContain('EU AI Act');
  });

  it('adds the EU AI Act Art. 50 facts when a scan run of the incident found synthetic media', async () => {
    const dir = join(scratch(), 'evidence', 'INC-20261125-030000-ab12');
    const { path } = await writeRun(containedRun(), dir);
    await writeRun(scanRun(), join(dir, 'run-2'));
    const { text } = await report(path, { format: 'gdpr', now: NOW });
    expect(text).toContain('## Synthetic media (EU AI Act Art. 50)');
    expect(text).toMatch(
      /step scan: synthetic-media scan: 240 image\(s\) scanned; 31 with findings; by label: Explicit Nudity 31/,
    );
    expect(text).toContain('**\\[TO FILL: yes / no, and who\\]**');
  });

  it('states the provenance findings of a scan run, and adds no Art. 50 section for images with none', async () => {
    const found = await draftBesideScan(provenanceRun(3));
    expect(found).toContain('## Synthetic media (EU AI Act Art. 50)');
    expect(found).toMatch(/By class: declared-ai 3 \(the file itself declares AI-generated/);
    expect(found).toContain('3 image(s) are findings');
    expect(await draftBesideScan(provenanceRun(0))).not.toContain('EU AI Act');
  });

  it('without a detection time, the run start stands in and the real time and deadline are marked to fill', async () => {
    const { path } = await writeRun({ ...containedRun(), genesis: { detectedAtGiven: false } });
    const { text } = await report(path, { format: 'gdpr', now: NOW });
    expect(text).toContain(
      '- Became aware (detected): 2026-11-25 02:40:00 UTC (not given to drp: the run start stands in; **\\[TO FILL: the real detection time\\]**).',
    );
    expect(text).toContain(
      '- Notification due by: 2026-11-28 02:40:00 UTC (from the run start: **\\[TO FILL: the real detection time + 72 hours\\]**).',
    );
  });

  it('warns against sending a draft made from a dry-run journal', async () => {
    const { path } = await writeRun({ ...containedRun(), dryRun: true });
    const { text } = await report(path, { format: 'gdpr', now: NOW });
    expect(text).toContain(
      '> REHEARSAL (dry run): this journal changed nothing; do not send a notification drafted from it.',
    );
    expect(text).toContain('No containment measure is recorded as applied in this journal.');
  });

  it('writes HTML for an --out ending in .html: placeholders highlighted, journal values escaped', async () => {
    const { path } = await writeRun({
      ...containedRun(),
      genesis: { params: { bucket: 'media', users: ['<img src=x onerror=alert(1)>'] } },
    });
    const out = join(scratch(), 'draft.html');
    const result = await report(path, { format: 'gdpr', out, now: NOW });
    expect(result.text).toMatch(/^wrote .*draft\.html \(gdpr\)/);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<mark class="fill">[TO FILL: name]</mark>');
    expect(html).toContain('IAM users &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
  });
});
