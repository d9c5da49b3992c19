import { exitCodeFor, headline } from '../outcome.js';
import type { ReportModel } from './model.js';
import { describeTimeLeft, formatUtc, NOTIFICATION_HOURS } from './time.js';

/** The box a report opens with: is it contained, what is still open, when the notification is due. */
export interface StatusBox {
  level: 'ok' | 'danger' | 'warning' | 'rehearsal';
  headline: string;
  lines: string[];
}

const RESTORE_HEADLINE: Record<string, string> = {
  completed: 'Restored: every action succeeded.',
  failed: 'RESTORE INCOMPLETE: an action failed.',
  incomplete: 'RESTORE INCOMPLETE: some actions were not applied (drift).',
  'dry-run': 'Dry-run of a restore: nothing was changed.',
  declined: 'Declined: nothing was changed.',
};

const IN_PLACE = new Set(['applied', 'nothing-to-do', 'not-applicable']);

/** Steps whose last row is not in place: failed, skipped, cut off, interrupted, or never run. */
export function stillOpen(m: ReportModel): string[] {
  const last = new Map(m.steps.map((s) => [s.stepId, s]));
  const open = [...last.values()].filter((s) => !IN_PLACE.has(s.outcome) && s.outcome !== 'planned');
  const ran = new Set(last.keys());
  const notRun = m.interrupts.at(-1)?.notRun.filter((id) => !ran.has(id)) ?? [];
  return [...open.map((s) => `${s.stepId} (${s.outcome})`), ...notRun.map((id) => `${id} (not run)`)];
}

function clockLine(m: ReportModel): string {
  const c = m.clock;
  if (!c) return 'Notification deadline: unknown (the journal has no usable time).';
  const from = m.incident.restoreOf ? "from the contained run's detection time" : 'from detection';
  const given =
    c.detectedAtSource !== 'not-given'
      ? ''
      : m.incident.restoreOf
        ? " (the contained run's start: its detection time was not given)"
        : ' (detection time not given: the clock starts at the run, later than the real detection)';
  return `Notify the supervisory authority by ${formatUtc(c.deadline)} (GDPR Art. 33: ${NOTIFICATION_HOURS} hours ${from}, ${formatUtc(c.detectedAt)}${given}); at report time ${describeTimeLeft(c.remainingMs)}.`;
}

export function statusBox(m: ReportModel): StatusBox {
  const outcome = m.run.outcome;
  const ids = (o: string) =>
    [...new Map(m.steps.map((s) => [s.stepId, s])).values()]
      .filter((s) => s.outcome === o)
      .map((s) => s.stepId);
  const signal = m.interrupts.at(-1)?.signal;
  const restore = Boolean(m.incident.restoreOf);
  const text = restore
    ? (RESTORE_HEADLINE[outcome] ?? headline({ outcome, containment: false, failed: [], notApplicable: [] }))
    : headline({
        outcome,
        containment: m.incident.command === 'contain',
        failed: ids('failed'),
        notApplicable: ids('not-applicable'),
        signal,
      });
  const open = stillOpen(m);
  const lines = [
    open.length
      ? `Still open: ${open.join(', ')}.`
      : 'Still open: nothing drp does; see "What remains to do".',
    ...(m.rehearsal ? [] : [clockLine(m)]),
    ...(restore ? [] : [`Exit code of the run: ${exitCodeFor(outcome, signal)}.`]),
  ];
  const level = m.rehearsal
    ? 'rehearsal'
    : outcome === 'completed' && open.length === 0
      ? 'ok'
      : outcome === 'failed' || outcome === 'not sealed'
        ? 'danger'
        : 'warning';
  return { level, headline: text, lines };
}
