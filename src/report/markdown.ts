import type { ReportModel } from './model.js';
import { statusBox } from './status-box.js';
import { visible } from './text.js';
import {
  banners,
  bucketNote,
  CHECK_TEXT,
  clockNotes,
  clockRows,
  FINDING_LABEL,
  footer,
  journalRows,
  outcomeText,
  REHEARSAL,
  reportKind,
  requestIdsOf,
  sizeText,
  summaryRows,
  timelineCells,
  whatChanged,
  type Rich,
  type Row,
} from './view.js';

/**
 * Prose: control characters spelled out, and every character markdown could read as syntax
 * backslash-escaped (emphasis, links, raw HTML, table pipes, entities), so a note or an AWS error
 * message is shown as written and cannot become a link, a tag or a new table cell.
 */
export const mdText = (s: string) => visible(s).replace(/[\\`*_{}[\]<>|~&#!]/g, '\\$&');

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$|^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * An identifier as a code span, with a fence longer than any backtick run inside it (backslash
 * escapes do not work in code spans). GFM splits table cells on pipes even inside code, and
 * parsers disagree about a backslash before an escaped pipe, so in a table the value's pipes sit
 * between code spans as plain `\|`: no backslash of the value ever touches one.
 */
export function mdCode(s: string, inTable = true): string {
  const text = visible(s);
  if (!inTable || !text.includes('|')) return codeSpan(text);
  return text
    .split('|')
    .map((part) => (part ? codeSpan(part) : ''))
    .join('\\|');
}

const rich = (r: Rich, inTable = true) =>
  r
    .map((p) =>
      typeof p === 'string' ? mdText(p) : 'code' in p ? mdCode(p.code, inTable) : `**${mdText(p.strong)}**`,
    )
    .join('');

const tableOf = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- |').join('')}`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const keyValue = (rows: Row[]) =>
  tableOf(
    ['', ''],
    rows.map(([k, v]) => [`**${mdText(k)}**`, rich(v)]),
  );

function timeline(m: ReportModel): string {
  if (!m.steps.length) return '_No step was journaled._';
  const rows = m.steps.map((s, i) => {
    const ids = requestIdsOf(s);
    const idText = [
      ...ids.shown.map((id) => mdCode(id)),
      ...(ids.more ? [`+${ids.more} more in the journal`] : []),
    ];
    return [
      String(i + 1),
      mdCode(s.stepId),
      mdCode(s.stepType),
      `**${mdText(outcomeText(s))}**`,
      ...timelineCells(s).map(mdText),
      mdText(whatChanged(s)),
      idText.join(' ') || '-',
    ];
  });
  const header = [
    '#',
    'step',
    'type',
    'outcome',
    'start (UTC)',
    'duration',
    'time to control',
    'what changed',
    'request ids',
  ];
  return tableOf(header, rows);
}

function evidence(m: ReportModel): string {
  const parts: string[] = [];
  if (!m.artefacts.length) parts.push('_No artefact was journaled._');
  else {
    const rows = m.artefacts.map((a) => [
      mdText(a.name),
      mdCode(a.path),
      mdText(sizeText(a.size)),
      a.sha256 ? mdCode(a.sha256) : '-',
      a.stepId ? mdCode(a.stepId) : '-',
      a.source ? mdCode(a.source) : '-',
      a.location ? mdCode(a.location) : '-',
      `**${mdText(CHECK_TEXT[a.check] ?? a.check)}**`,
    ]);
    parts.push(tableOf(['name', 'path', 'size', 'SHA-256', 'step', 'source', 'location', 'file'], rows));
  }
  if (m.evidenceBucket) {
    const b = m.evidenceBucket;
    parts.push(
      '### Evidence bucket',
      `Bucket ${mdCode(b.bucket, false)}; this incident's prefix ${mdCode(b.prefix, false)}. ` +
        mdText(bucketNote(m)),
    );
  }
  return parts.join('\n\n');
}

/** GitHub-flavoured markdown for a ticket: every journal value escaped for its place. */
export function renderMarkdown(m: ReportModel): string {
  const title = `# ${m.rehearsal ? `${REHEARSAL}: ` : ''}${reportKind(m)} ${m.incident.incidentId ? mdCode(m.incident.incidentId, false) : ''}`;
  const clockHeader = ['', 'UTC', ...(m.timeZone === 'UTC' ? [] : [mdText(m.timeZone)])];
  const findings = m.findings.map(
    (f) =>
      `- **${FINDING_LABEL[f.kind] ?? f.kind}**${f.stepId ? ` ${mdCode(f.stepId, false)}` : ''}: ${mdText(f.text)}`,
  );
  const status = statusBox(m);
  const sections = [
    title.trimEnd(),
    // A journal that failed verification (or artefacts that do not match it) is said before anything it claims.
    ...banners(m)
      .filter((b) => b.level === 'danger')
      .map((b) => `> **${mdText(b.title)}**: ${mdText(b.text)}`),
    [`> **${mdText(status.headline)}**`, '>', ...status.lines.map((l) => `> - ${mdText(l)}`)].join('\n'),
    ...banners(m)
      .filter((b) => b.level !== 'danger')
      .map((b) => `> **${mdText(b.title)}**: ${mdText(b.text)}`),
    '## Summary',
    keyValue(summaryRows(m)),
    `## GDPR Art. 33 notification clock${m.rehearsal ? ` (${REHEARSAL})` : ''}`,
    ...(m.clock
      ? [
          tableOf(
            clockHeader,
            clockRows(m).map((r) => r.map(mdText)),
          ),
        ]
      : []),
    clockNotes(m)
      .map((n) => `- ${mdText(n)}`)
      .join('\n'),
    `## Timeline${m.rehearsal ? ` (${REHEARSAL}: planned, not applied)` : ''}`,
    timeline(m),
    '## Findings',
    findings.join('\n') || '_No findings._',
    ...(m.provenance.length
      ? ['## Content provenance (C2PA)', m.provenance.map((l) => `- ${mdText(l)}`).join('\n')]
      : []),
    '## What remains to do',
    m.remaining.map((r, i) => `${i + 1}. ${mdText(r)}`).join('\n') || '_Nothing recorded._',
    `## Evidence preserved${m.rehearsal ? ` (${REHEARSAL})` : ''}`,
    evidence(m),
    '## Journal',
    keyValue(journalRows(m)),
    ...m.journal.warnings.map((w) => `> ${mdText(`warning: ${w}`)}`),
    `_${mdText(footer(m))}_`,
  ];
  return `${sections.join('\n\n')}\n`;
}
