import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { writeRun, type FixtureRun } from '../../support/report-journals.js';

const NOW = '2026-11-25T05:00:00Z';
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\r\u0000-\u0008]/;

// Keys S3 accepts, as a scan's findings and a quarantine's changes carry them into the journal.
const LONG = `long/${'x'.repeat(1019)}`; // 1,024 bytes, S3's maximum
const KEYS = {
  space: 'clips/a b.mp4',
  unicode: 'ünï/çødé 🎭.mp4',
  traversal: '../../escape.mp4',
  pipe: 'a|b`c`.png',
  cr: 'cr\rkey.png',
  long: LONG,
};

const scanRun = (): FixtureRun => ({
  steps: [
    {
      id: 'scan',
      type: 'rekognition-scan',
      changes: [{ action: 'write-findings', target: 's3://media' }],
      data: {
        scanned: 6,
        withFindings: 3,
        top: [KEYS.pipe, KEYS.cr, KEYS.long].map((key, i) => ({
          key,
          versionId: `v${i}`,
          label: 'Explicit Nudity',
          confidence: 99,
        })),
      },
    },
    {
      id: 'quarantine',
      type: 's3-quarantine-objects',
      changes: Object.values(KEYS).map((key) => ({ action: 'put-legal-hold', target: `s3://media/${key}` })),
      notes: [`held ${KEYS.space} and ${KEYS.unicode}`],
    },
  ],
});

/** Table rows of a markdown document whose count of unescaped pipes differs from their header's. */
function brokenRows(md: string): string[] {
  const pipes = (row: string) => row.replace(/\\./g, '').split('|').length;
  const lines = md.split('\n');
  return lines.filter((line, i) => {
    if (!line.startsWith('|')) return false;
    let header = i;
    while (lines[header - 1]?.startsWith('|')) header--;
    return pipes(line) !== pipes(lines[header]!);
  });
}

describe('reports of object keys with spaces, unicode, ../, pipes, control characters and 1,024 bytes', () => {
  it('markdown shows every key whole, in tables that stay tables, with control characters spelled out', async () => {
    const { path } = await writeRun(scanRun());
    const md = (await report(path, { now: NOW })).text;
    expect(brokenRows(md)).toEqual([]);
    expect(md).not.toMatch(RAW);
    for (const key of [KEYS.space, KEYS.unicode, KEYS.traversal, LONG]) expect(md).toContain(key);
    // Markdown-escaped: it reads cr\u{d}key.png.
    expect(md).toContain('cr\\\\u\\{d\\}key.png');
    expect(md).toMatch(/`a`\\\|``b`c`.png``|a\\\|b\\`c\\`\.png/);
  });

  it('HTML shows every key whole and escaped', async () => {
    const { path } = await writeRun(scanRun());
    const html = (await report(path, { now: NOW, format: 'html' })).text;
    expect(html).not.toMatch(RAW);
    for (const key of [KEYS.space, KEYS.unicode, KEYS.traversal, KEYS.pipe, LONG])
      expect(html).toContain(key);
    expect(html).toContain('cr\\u{d}key.png');
  });
});
