import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { containedRun, hostileRun, writeRun, type FixtureRun } from '../../support/report-journals.js';

const NOW = '2026-11-25T05:00:00Z';

async function htmlOf(run: FixtureRun, tz?: string) {
  const { path } = await writeRun(run);
  return (await report(path, { now: NOW, format: 'html', tz })).text;
}

/** Every element the renderer writes; anything else in the output came from the journal. */
const OWN_TAGS = new Set(
  'html head meta title style body header h1 h2 h3 p div strong span section table thead tbody tr th td code br ul ol li footer svg line text g rect'.split(
    ' ',
  ),
);

describe('HTML report', () => {
  it('escapes hostile bucket names, keys, notes and identities: no element or attribute comes from the journal', async () => {
    const html = await htmlOf(hostileRun());
    const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
    expect(tags.filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    for (const tag of html.match(/<[a-zA-Z][^>]*>/g) ?? []) expect(tag).not.toMatch(/\son\w+\s*=/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('evil&quot;bucket&lt;script&gt;alert(1)&lt;/script&gt;&amp;|`x`');
    expect(html).toContain(
      's3://leak/../../résumé-日本/&lt;img src=x onerror=alert(2)&gt;.png (versionId &quot;v1&quot;&amp;)',
    );
    expect(html).toContain('&lt;b onmouseover=&quot;alert(4)&quot;&gt;ops&lt;/b&gt;');
    expect(html).toContain('<code>../🙂/&lt;x&gt;.json</code>');
    expect(html).toContain('\\u{1b}[31mred\\u{202e}evil');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u202e');
  });

  it('is one self-contained file: no external asset, no script, a CSP that forbids both', async () => {
    const html = await htmlOf(containedRun());
    expect(html).not.toMatch(/\s(src|href)\s*=|url\(|@import|<link|<script/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('@media print');
  });

  it('draws a bar per step from its intent to its result, on an axis from the run start, labelled with the time to that control', async () => {
    const html = await htmlOf(containedRun());
    const bars = [...html.matchAll(/<rect class="bar (\S+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map(
      (m) => [m[1], Number(m[2]), Number(m[3])],
    );
    // 800 px wide, steps at 180..710 px: 47 s of run span 530 px.
    const px = (ms: number) => Number(((ms / 47_000) * 530).toFixed(1));
    expect(bars).toEqual([
      ['applied', 180, px(800)],
      ['applied', Number((180 + px(800)).toFixed(1)), px(1200)],
      ['applied', Number((180 + (2000 / 47_000) * 530).toFixed(1)), px(45_000)],
    ]);
    expect([...html.matchAll(/<text class="to"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual([
      '+800 ms',
      '+2.0 s',
      '+47.0 s',
    ]);
  });

  it('labels a dry-run journal a rehearsal in its title, body, banner and sections, and draws no timing', async () => {
    const html = await htmlOf({ ...containedRun(), dryRun: true });
    expect(html).toMatch(/<title>REHEARSAL \(dry run\): Incident report INC-20261125-030000-ab12<\/title>/);
    expect(html).toContain('<body class="rehearsal">');
    expect(html).toContain('<div class="banner rehearsal"><strong>REHEARSAL (dry run)</strong>');
    expect(html).toContain('<h2>Timeline (REHEARSAL (dry run): planned, not applied)</h2>');
    expect(html).toContain('<h2>Evidence preserved (REHEARSAL (dry run))</h2>');
    expect(html).not.toContain('<svg');
  });

  it('shows the deadline in the --tz zone with its DST offset', async () => {
    const html = await htmlOf(
      { ...containedRun(), genesis: { detectedAt: '2026-03-27T10:00:00.000Z' } },
      'Europe/Berlin',
    );
    expect(html).toContain(
      '<tr><td>Notification deadline (+72 h)</td><td>2026-03-30 10:00:00 UTC</td><td>2026-03-30 12:00:00 UTC+02:00</td></tr>',
    );
    expect(html).toContain('<th>Europe/Berlin</th>');
    expect(html).toContain('<strong>NOTIFICATION DEADLINE PASSED</strong>');
  });

  it("puts a step's request ids in a details row under it, not in a column that squeezes the others", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `req-${i}`);
    const html = await htmlOf({ steps: [{ id: 'block-public-access', requestIds: ids }] });
    const timeline = html.slice(html.indexOf('<table class="timeline">'));
    expect(timeline).not.toContain('<th>request ids</th>');
    expect(timeline).toMatch(
      /<td><code class="id">block-public-access<\/code><\/td>.*?<\/tr><tr class="details"><td><\/td><td colspan="7">request ids: <code>req-0<\/code> /,
    );
    expect(html).toContain('code.id { word-break: normal; white-space: nowrap; }');
  });

  it('shows a failed outcome as a solid red badge, as plain to see as LIVE', async () => {
    const html = await htmlOf({
      steps: [{ id: 'object-lock', fails: { error: new Error('AccessDenied') } }],
    });
    expect(html).toMatch(/<span class="outcome outcome-failed">FAILED</);
    expect(html).toMatch(
      /\.outcome-failed, \.outcome-no-result \{ background: var\(--danger\); color: #fff;/,
    );
  });

  it('escapes the incident id in the title', async () => {
    const html = await htmlOf(hostileRun());
    expect(html).toContain(`<title>Incident report INC-&lt;i&gt;1&lt;/i&gt;|\`</title>`);
  });
});

describe('html report of a restore journal', () => {
  it('is titled a restore report', async () => {
    const html = await htmlOf({
      ...containedRun(),
      genesis: {
        command: 'restore',
        restoreOf: { journalId: 'j-run-1', head: 'cd'.repeat(32), path: 'journal.jsonl' },
      },
    });
    expect(html).toContain('<title>Restore report INC-20261125-030000-ab12</title>');
    expect(html).toContain('<h1>Restore report INC-20261125-030000-ab12</h1>');
  });
});
