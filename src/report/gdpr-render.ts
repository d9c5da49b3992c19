import type { GdprDraft, DraftLine } from './gdpr.js';
import { mdText } from './markdown.js';
import { escapeHtml as esc } from './text.js';

/** The GDPR draft as markdown: placeholders in bold brackets, easy to find and to fill. */
export function renderGdprMarkdown(d: GdprDraft): string {
  const line = (l: DraftLine) =>
    l.map((p) => (typeof p === 'string' ? mdText(p) : `**\\[TO FILL: ${mdText(p.fill)}\\]**`)).join('');
  const parts = [
    `# ${mdText(d.title)}`,
    ...d.preface.map((p) => `> ${mdText(p)}`),
    ...d.sections.flatMap((s) => [
      `## ${mdText(s.heading)}`,
      ...(s.asks ? [`_${mdText(s.asks)}_`] : []),
      s.lines.map((l) => `- ${line(l)}`).join('\n'),
    ]),
  ];
  return `${parts.join('\n\n')}\n`;
}

const STYLE = `body { font: 14px/1.5 system-ui, sans-serif; max-width: 900px; margin: 24px auto; padding: 0 20px; color: #1d2330; }
h1 { font-size: 21px; } h2 { font-size: 16px; border-bottom: 2px solid #d7dce5; padding-bottom: 3px; margin-top: 24px; }
.asks { color: #5b6475; font-style: italic; } .preface { border-left: 6px solid #b54708; background: #fffaeb; padding: 6px 12px; }
mark.fill { background: #fef0c7; border: 1px dashed #b54708; padding: 0 3px; font-weight: 600; }
@media print { mark.fill { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }`;

/** The GDPR draft as one self-contained HTML file: no script, every value escaped. */
export function renderGdprHtml(d: GdprDraft): string {
  const line = (l: DraftLine) =>
    l
      .map((p) => (typeof p === 'string' ? esc(p) : `<mark class="fill">[TO FILL: ${esc(p.fill)}]</mark>`))
      .join('');
  const body = [
    `<h1>${esc(d.title)}</h1>`,
    `<div class="preface">${d.preface.map((p) => `<p>${esc(p)}</p>`).join('')}</div>`,
    ...d.sections.map(
      (s) =>
        `<section><h2>${esc(s.heading)}</h2>${s.asks ? `<p class="asks">${esc(s.asks)}</p>` : ''}<ul>${s.lines.map((l) => `<li>${line(l)}</li>`).join('')}</ul></section>`,
    ),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${esc(d.title)}</title><style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
