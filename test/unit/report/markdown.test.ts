import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { mdCode, mdText } from '../../../src/report/markdown.js';
import { journalLines, writeLines } from '../../support/journal.js';
import { containedRun, hostileRun, writeRun, type FixtureRun } from '../../support/report-journals.js';

const NOW = '2026-11-25T05:00:00Z';

async function markdownOf(run: FixtureRun, tz?: string) {
  const { path } = await writeRun(run);
  return (await report(path, { now: NOW, tz })).text;
}

/** Splits a table row into cells as cmark-gfm does: a backslash escapes the next punctuation character. */
function cells(row: string): number {
  let n = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && /[!-/:-@[-`{-~]/.test(row[i + 1] ?? '')) i++;
    else if (row[i] === '|') n++;
  }
  return n;
}

/** Every table keeps its header's cell count on every row: no value opened a new cell. */
function expectTablesIntact(md: string) {
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    if (!line.startsWith('|') || !lines[i + 1]?.startsWith('| ---')) return;
    const width = cells(line);
    for (let j = i + 1; lines[j]?.startsWith('|'); j++) expect(cells(lines[j]!), lines[j]).toBe(width);
  });
}

describe('markdown escaping', () => {
  it('backslash-escapes markdown syntax in prose', () => {
    expect(mdText('a|b`c*d_e<script>&[x](y)#!~\\')).toBe(
      'a\\|b\\`c\\*d\\_e\\<script\\>\\&\\[x\\](y)\\#\\!\\~\\\\',
    );
  });

  it('fences code spans longer than any backtick run inside, and keeps table pipes out of them', () => {
    expect(mdCode('arn:aws:iam::1:role/r')).toBe('`arn:aws:iam::1:role/r`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x``')).toBe('``` `x`` ```');
    expect(mdCode('a|b')).toBe('`a`\\|`b`');
    expect(mdCode('a\\|b')).toBe('`a\\`\\|`b`');
    expect(mdCode('a|b', false)).toBe('`a|b`');
  });

  it('spells out control and bidi-override characters instead of passing them to a terminal', () => {
    expect(mdText('\u001b[31mred\u202eevil')).toBe('\\\\u\\{1b\\}\\[31mred\\\\u\\{202e\\}evil');
    expect(mdCode('a\u202eb')).toBe('`a\\u{202e}b`');
  });

  it('renders hostile journal values without breaking a table or leaving raw HTML outside code', async () => {
    const md = await markdownOf(hostileRun());
    expectTablesIntact(md);
    const outsideCode = md.replace(/(`+)[^`][\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)</);
    expect(outsideCode).not.toMatch(/(?<!\\)\[click\]/);
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('\u202e');
    expect(md).toContain('résumé-日本');
    expect(md).toContain('| **Parameters** | bucket = `evil"bucket<script>alert(1)</script>&`\\|`` `x` `` |');
  });
});

describe('markdown report', () => {
  it('is a ticket-ready document with summary, clock, timeline, findings, evidence and journal', async () => {
    const md = await markdownOf(containedRun());
    expectTablesIntact(md);
    expect(md.split('\n')[0]).toBe('# Incident report `INC-20261125-030000-ab12`');
    for (const heading of [
      'Summary',
      'GDPR Art. 33 notification clock',
      'Timeline',
      'Findings',
      'What remains to do',
      'Evidence preserved',
      'Journal',
    ])
      expect(md).toContain(`\n## ${heading}`);
    expect(md).toContain('| Notification deadline (+72 h) | 2026-11-28 02:40:00 UTC |');
    expect(md).toContain('- At report time: 69 h 40 min left.');
    expect(md).toContain(
      '| 3 | `object-lock` | `s3-object-lock` | **applied** | 2026-11-25 03:00:02.000 | 45.0 s | +47.0 s | ' +
        'put-legal-hold s3://product-media-prod: 312 versions | `REQ-OL-1` `REQ-OL-2` |',
    );
    expect(md).toMatch(/\| \*\*Verification\*\* \| \*\*INTACT\*\*/);
  });

  it('shows the clock in the --tz zone beside UTC', async () => {
    const md = await markdownOf(containedRun(), 'America/New_York');
    expect(md).toContain('|  | UTC | America/New\\_York |');
    expect(md).toContain(
      '| Notification deadline (+72 h) | 2026-11-28 02:40:00 UTC | 2026-11-27 21:40:00 UTC-05:00 |',
    );
  });

  it('labels a dry-run journal a rehearsal in the title, banner, mode, clock and timeline', async () => {
    const md = await markdownOf({ ...containedRun(), dryRun: true });
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^# REHEARSAL \(dry run\): Incident report/);
    // The status box first, then the banner.
    expect(lines[2]).toBe('> **Dry-run: nothing was changed.**');
    expect(lines).toContainEqual(
      expect.stringMatching(/^> \*\*REHEARSAL \(dry run\)\*\*: Nothing in AWS was changed/),
    );
    expect(md).toContain('| **Mode** | **REHEARSAL (dry run): nothing was changed** |');
    expect(md).toContain('## GDPR Art. 33 notification clock (REHEARSAL (dry run))');
    expect(md).toContain('## Timeline (REHEARSAL (dry run): planned, not applied)');
    expect(md).toContain('**planned (not applied)**');
    expect(md).toContain('## Evidence preserved (REHEARSAL (dry run))');
    expect(md).toContain('would: put-legal-hold s3://product-media-prod: 312 versions');
  });

  it('puts a failed step in the findings and in what remains to do', async () => {
    const md = await markdownOf({
      steps: [
        {
          id: 'scp',
          changes: [{ action: 'attach-policy', target: 'drp-INC to 123456789012' }],
          fails: {
            error: Object.assign(new Error('not the management account'), { name: 'AccessDeniedException' }),
          },
        },
      ],
    });
    expect(md).toContain('| **Outcome** | **CONTAINMENT INCOMPLETE: a step failed (scp).** |');
    // The report opens with the status: the same words as drp's outcome line, and the exit code.
    expect(md.split('\n').slice(2, 7)).toEqual([
      '> **CONTAINMENT INCOMPLETE: a step failed (scp).**',
      '>',
      '> - Still open: scp (failed).',
      expect.stringMatching(
        /^> - Notify the supervisory authority by 2026-11-28 02:40:00 UTC \(GDPR Art\. 33: 72 hours from detection/,
      ),
      '> - Exit code of the run: 1.',
    ]);
    expect(md).toContain('- **FAILED** `scp`: AccessDeniedException: not the management account');
    expect(md).toContain('1. scp: not done: attach-policy drp-INC to 123456789012. Fix the cause above');
  });

  it('opens a tampered journal with the failing line', async () => {
    const { path } = await writeRun(containedRun());
    const lines = journalLines(path);
    lines.splice(3, 1);
    writeLines(path, lines);
    const result = await report(path, { now: NOW });
    expect(result.exitCode).toBe(1);
    expect(result.text.split('\n')).toContainEqual(
      expect.stringMatching(
        /^> \*\*JOURNAL FAILED VERIFICATION at line 4\*\*: seq 4 where 3 was expected: entry 3 was deleted\. This report covers the 3 entries before it/,
      ),
    );
    expect(readFileSync(path, 'utf8')).not.toBe('');
  });
});

describe('report of a restore journal', () => {
  const RESTORE_OF = { journalId: 'j-run-1', head: 'cd'.repeat(32), path: 'evidence/INC-1/journal.jsonl' };

  it('is titled a restore report and names the run it undid instead of a runbook and params', async () => {
    const md = await markdownOf({
      ...containedRun(),
      genesis: { command: 'restore', restoreOf: RESTORE_OF, runbook: undefined, params: undefined },
    });
    expect(md).toMatch(/^# Restore report `INC-20261125-030000-ab12`/);
    expect(md).toContain(
      `| **Restore of** | \`evidence/INC-1/journal.jsonl\` journal \`j-run-1\` head \`${'cd'.repeat(32)}\` |`,
    );
    expect(md).not.toMatch(/\*\*Runbook\*\*|\*\*Parameters\*\*/);
  });

  it('a run journal is still an incident report with its runbook', async () => {
    const md = await markdownOf(containedRun());
    expect(md).toMatch(/^# Incident report /);
    expect(md).toMatch(/\| \*\*Runbook\*\* \| `deepfake-s3-leak` SHA-256 /);
  });
});
