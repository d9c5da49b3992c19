import { timelineChart } from './chart.js';
import type { ReportModel } from './model.js';
import { statusBox } from './status-box.js';
import { STYLE } from './html-style.js';
import { escapeHtml as esc } from './text.js';
import {
  banners,
  bucketNote,
  CHECK_TEXT,
  clockNotes,
  clockRows,
  FINDING_LABEL,
  footer,
  journalRows,
  modeText,
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

const code = (s: string | undefined) => (s ? `<code>${esc(s)}</code>` : '-');
const rich = (r: Rich) =>
  r
    .map((p) =>
      typeof p === 'string' ? esc(p) : 'code' in p ? code(p.code) : `<strong>${esc(p.strong)}</strong>`,
    )
    .join('');

/** Cells are already escaped HTML; a row may be a full-width details row under the one before. */
function table(header: string[], rows: (string[] | { details: string })[], cls = ''): string {
  const head = `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const row = (r: string[] | { details: string }) =>
    Array.isArray(r)
      ? `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`
      : `<tr class="details"><td></td><td colspan="${header.length - 1}">${r.details}</td></tr>`;
  return `<table${cls ? ` class="${cls}"` : ''}>${head}<tbody>${rows.map(row).join('')}</tbody></table>`;
}

const keyValue = (rows: Row[]) =>
  `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${rich(v)}</td></tr>`).join('')}</tbody></table>`;

function timeline(m: ReportModel): string {
  if (!m.steps.length) return '<p class="muted">No step was journaled.</p>';
  // Request ids go in a details row under their step: a column of them stacked a dozen lines high
  // squeezed every other column.
  const rows = m.steps.flatMap((s, i) => {
    const ids = requestIdsOf(s);
    const idText = [...ids.shown.map(code), ...(ids.more ? [esc(`+${ids.more} more in the journal`)] : [])];
    return [
      [
        String(i + 1),
        `<code class="id">${esc(s.stepId)}</code>`,
        `<code class="id">${esc(s.stepType)}</code>`,
        `<span class="outcome outcome-${esc(s.outcome)}">${esc(outcomeText(s))}</span>`,
        ...timelineCells(s).map(esc),
        esc(whatChanged(s)),
      ],
      ...(idText.length ? [{ details: `request ids: ${idText.join(' ')}` }] : []),
    ];
  });
  const chart = timelineChart(m);
  return (
    (chart ||
      `<p class="muted">${esc(m.rehearsal ? `${REHEARSAL}: nothing was applied, so there is no timing to draw.` : 'No step has a result to draw.')}</p>`) +
    table(
      ['#', 'step', 'type', 'outcome', 'start (UTC)', 'duration', 'time to control', 'what changed'],
      rows,
      'timeline',
    )
  );
}

function evidence(m: ReportModel): string {
  const rows = m.artefacts.map((a) => [
    esc(a.name),
    code(a.path),
    esc(sizeText(a.size)),
    code(a.sha256),
    code(a.stepId),
    code(a.source),
    code(a.location),
    `<span class="${a.check === 'verified' ? 'check-ok' : a.check === 'not-checked' ? '' : 'check-bad'}">${esc(CHECK_TEXT[a.check] ?? a.check)}</span>`,
  ]);
  const list = rows.length
    ? table(['name', 'path', 'size', 'SHA-256', 'step', 'source', 'location', 'file'], rows)
    : '<p class="muted">No artefact was journaled.</p>';
  const b = m.evidenceBucket;
  if (!b) return list;
  const note = bucketNote(m);
  return `${list}<h3>Evidence bucket</h3><p>Bucket ${code(b.bucket)}; this incident's prefix ${code(b.prefix)}. ${esc(note)}</p>`;
}

function clock(m: ReportModel): string {
  const header = ['', 'UTC', ...(m.timeZone === 'UTC' ? [] : [m.timeZone])];
  const rows = clockRows(m).map((r) => r.map(esc));
  return `${rows.length ? table(header, rows) : ''}${clockNotes(m)
    .map((n) => `<p>${esc(n)}</p>`)
    .join('')}`;
}

const bannerHtml = (b: { level: string; title: string; text: string }) =>
  `<div class="banner ${b.level}"><strong>${esc(b.title)}</strong>: ${esc(b.text)}</div>`;

function statusHtml(m: ReportModel): string {
  const box = statusBox(m);
  return `<div class="status ${box.level}"><strong>${esc(box.headline)}</strong><ul>${box.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>`;
}

/** One self-contained, printable HTML file: inline CSS and SVG, no script, every journal value escaped. */
export function renderHtml(m: ReportModel): string {
  const title =
    `${m.rehearsal ? `${REHEARSAL}: ` : ''}${reportKind(m)} ${m.incident.incidentId ?? ''}`.trim();
  const findings = m.findings.map(
    (f) =>
      `<li class="finding"><span class="kind">${esc(FINDING_LABEL[f.kind] ?? f.kind)}</span>${f.stepId ? ` ${code(f.stepId)}` : ''}: ${esc(f.text)}</li>`,
  );
  const section = (heading: string, body: string) => `<section><h2>${esc(heading)}</h2>${body}</section>`;
  const rehearsalTag = m.rehearsal ? ` (${REHEARSAL})` : '';
  const body = [
    `<header><h1>${esc(title)}</h1><p class="mode ${m.rehearsal ? 'rehearsal' : 'live'}">${esc(modeText(m))}</p></header>`,
    // A journal that failed verification (or artefacts that do not match it) is said before anything it claims.
    ...banners(m)
      .filter((b) => b.level === 'danger')
      .map(bannerHtml),
    statusHtml(m),
    ...banners(m)
      .filter((b) => b.level !== 'danger')
      .map(bannerHtml),
    section('Summary', keyValue(summaryRows(m))),
    section(`GDPR Art. 33 notification clock${rehearsalTag}`, clock(m)),
    section(`Timeline${m.rehearsal ? ` (${REHEARSAL}: planned, not applied)` : ''}`, timeline(m)),
    section(
      'Findings',
      findings.length ? `<ul>${findings.join('')}</ul>` : '<p class="muted">No findings.</p>',
    ),
    ...(m.provenance.length
      ? [
          section(
            'Content provenance (C2PA)',
            `<ul>${m.provenance.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
          ),
        ]
      : []),
    section(
      'What remains to do',
      m.remaining.length
        ? `<ol>${m.remaining.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>`
        : '<p class="muted">Nothing recorded.</p>',
    ),
    section(`Evidence preserved${rehearsalTag}`, evidence(m)),
    section(
      'Journal',
      keyValue(journalRows(m)) +
        m.journal.warnings.map((w) => `<p class="muted">warning: ${esc(w)}</p>`).join(''),
    ),
    `<footer>${esc(footer(m))}</footer>`,
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Defence in depth: even a value that escaped escaping could load or run nothing.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${esc(title)}</title><style>${STYLE}</style></head>`,
    `<body class="${m.rehearsal ? 'rehearsal' : 'live'}">`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
