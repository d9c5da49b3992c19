import type { ReportModel } from './model.js';
import { escapeHtml as esc, formatDuration } from './text.js';
import { outcomeText } from './view.js';

const WIDTH = 800;
const LABEL_W = 180;
const RIGHT_W = 90;
const ROW_H = 22;
const AXIS_H = 26;
const PLOT_W = WIDTH - LABEL_W - RIGHT_W;

const LEGEND = [
  ['applied', 'applied'],
  ['nothing-to-do', 'nothing to do'],
  ['not-applicable', 'not applicable'],
  ['failed', 'failed or no result'],
  ['skipped', 'skipped'],
];

const shorten = (s: string, max = 26) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * The timeline as inline SVG: one bar per step from its intent to its result, on an axis from the
 * run's start, labelled with the time to that control. Plain SVG, styled by the page's CSS.
 */
export function timelineChart(m: ReportModel): string {
  const steps = m.steps.filter((s) => s.end !== undefined);
  const t0 = Date.parse(m.run.start ?? '');
  if (!steps.length || Number.isNaN(t0)) return '';
  const t1 = Math.max(...steps.map((s) => Date.parse(s.end!)));
  const span = Math.max(t1 - t0, 1);
  const x = (iso: string) => LABEL_W + ((Date.parse(iso) - t0) / span) * PLOT_W;
  const height = AXIS_H + steps.length * ROW_H + 6;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = (LABEL_W + f * PLOT_W).toFixed(1);
    return (
      `<line class="tick" x1="${tx}" y1="${AXIS_H - 6}" x2="${tx}" y2="${height}"/>` +
      `<text class="axis" x="${tx}" y="${AXIS_H - 10}" text-anchor="middle">${f ? `+${esc(formatDuration(f * span))}` : 'start'}</text>`
    );
  });
  const rows = steps.map((s, i) => {
    const y = AXIS_H + i * ROW_H;
    const bx = x(s.start);
    const bw = Math.max(2, x(s.end!) - bx);
    const tip = `${s.stepId}: ${outcomeText(s)}, ${formatDuration(s.durationMs ?? 0)}; +${formatDuration(s.sinceStartMs ?? 0)} from the start`;
    return (
      `<g><title>${esc(tip)}</title>` +
      `<text class="label" x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end">${esc(shorten(s.stepId))}</text>` +
      `<rect class="bar ${esc(s.outcome)}" x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${ROW_H - 8}" rx="2"/>` +
      `<text class="to" x="${(bx + bw + 6).toFixed(1)}" y="${y + 15}">+${esc(formatDuration(s.sinceStartMs ?? 0))}</text></g>`
    );
  });
  const legend = LEGEND.map(([o, text]) => `<span class="key ${o}"></span>${text}`).join(' ');
  const label = `Timeline of ${steps.length} step(s): time to each control from the run's start`;
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">` +
    `${ticks.join('')}${rows.join('')}</svg><p class="legend">${legend}</p>`
  );
}
