import { table } from '../output/table.js';
import type { ReportModel } from '../report/model.js';
import { formatDuration } from '../report/text.js';
import type { ControlCheck } from './checks.js';
import { preflightLine, type PreflightSummary } from './preflight-runs.js';
import { CONTAINMENT_STEPS } from './scenario.js';

export interface ScoredControl extends ControlCheck {
  /** From the run's start (the journal's genesis) to the result of the control's step. */
  sinceStartMs?: number;
}

export interface Scorecard {
  scenario: string;
  incidentId: string;
  endpoint: string;
  controls: ScoredControl[];
  /** Genesis to the last containment step's result (from the journal, via the report model). */
  timeToContainMs?: number;
  /** --detected-at to that same result. */
  sinceDetectionMs?: number;
  /** Containment steps whose result is not applied or nothing-to-do (or that have none). */
  containmentGaps: string[];
  seedMs: number;
  containMs: number;
  /** `drp preflight` before the seeding (a fresh account: gaps, blocks) and after it. */
  preflight?: { before: PreflightSummary; after: PreflightSummary };
  journal: string;
  /** Where the report was written; absent when there was no journal to report on. */
  report?: { html: string; markdown: string };
  emulator: { url: string; pid?: number; state: 'stopped' | 'left running' | 'external' };
}

const DONE = new Set(['applied', 'nothing-to-do', 'not-applicable']);

/** Times to each control, time to contain and its gaps, all from the report model's timeline. */
export function timesFromReport(model: ReportModel, controls: ControlCheck[]) {
  const step = (id: string) => model.steps.filter((s) => s.stepId === id).at(-1);
  const journalMs =
    model.journal.firstTime && model.journal.lastTime
      ? Date.parse(model.journal.lastTime) - Date.parse(model.journal.firstTime)
      : undefined;
  const scored: ScoredControl[] = controls.map((c) => ({
    ...c,
    sinceStartMs: c.stepId ? step(c.stepId)?.sinceStartMs : journalMs,
  }));
  const containment = CONTAINMENT_STEPS.map((id) => ({ id, step: step(id) }));
  const gaps = containment.filter(({ step: s }) => !s || !DONE.has(s.outcome)).map(({ id }) => id);
  const last = containment.at(-1)?.step;
  const timeToContainMs = last?.sinceStartMs;
  const detected = model.clock?.detectedAt;
  const sinceDetectionMs = last?.end && detected ? Date.parse(last.end) - Date.parse(detected) : undefined;
  return { controls: scored, timeToContainMs, sinceDetectionMs, containmentGaps: gaps };
}

export const failedControls = (card: Pick<Scorecard, 'controls'>) =>
  card.controls.filter((c) => !c.verified && !c.noEffect).map((c) => c.control);

const resultOf = (c: ControlCheck) => (c.verified ? 'verified' : c.noEffect ? 'no effect' : 'NOT verified');

const since = (ms: number | undefined) => (ms === undefined ? '-' : `+${formatDuration(ms)}`);

function containLine(card: Scorecard): string {
  if (card.timeToContainMs === undefined)
    return `Time to contain: not contained (no result for ${CONTAINMENT_STEPS.at(-1)})`;
  const detection =
    card.sinceDetectionMs === undefined ? '' : `; ${formatDuration(card.sinceDetectionMs)} after detection`;
  const gaps = card.containmentGaps.length ? ` (not done: ${card.containmentGaps.join(', ')})` : '';
  return `Time to contain: ${formatDuration(card.timeToContainMs)} from the run's start to the last containment step's result${detection}${gaps}`;
}

function emulatorLine(e: Scorecard['emulator']): string {
  if (e.state === 'external') return `Emulator: ${e.url} (yours: left as it is)`;
  if (e.state === 'stopped') return `Emulator: stopped (was ${e.url})`;
  return `Emulator: left running at ${e.url} (pid ${e.pid}): stop it with \`kill ${e.pid}\``;
}

function verdictLine(card: Scorecard, failed: string[]): string {
  const moot = card.controls.filter((c) => c.noEffect).map((c) => c.control);
  const applicable = card.controls.length - moot.length;
  const none = moot.length ? ` No effect where the drill ran: ${moot.join(', ')}.` : '';
  return failed.length
    ? `${applicable - failed.length} of ${applicable} applicable controls verified. NOT verified: ${failed.join(', ')}.${none}`
    : `All ${applicable} applicable controls verified.${none}`;
}

/** The score card: one line per control (verified or NOT, time to it, what was seen), then the times. */
export function renderScorecard(card: Scorecard): string {
  const failed = failedControls(card);
  const rows = card.controls.map((c) => [c.control, resultOf(c), since(c.sinceStartMs), c.detail]);
  return [
    `Score card: ${card.scenario}, incident ${card.incidentId}`,
    '',
    table(['control', 'result', 'time', 'detail'], rows),
    '',
    verdictLine(card, failed),
    containLine(card),
    ...(card.preflight
      ? [
          preflightLine('before seeding', card.preflight.before),
          preflightLine('after seeding', card.preflight.after),
        ]
      : []),
    `Seeding took ${formatDuration(card.seedMs)}; drp contain ran ${formatDuration(card.containMs)}.`,
    `Journal: ${card.journal}`,
    card.report
      ? `Report: ${card.report.html} (and ${card.report.markdown})`
      : 'Report: not written (no journal to report on)',
    emulatorLine(card.emulator),
  ].join('\n');
}
