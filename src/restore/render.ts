import { formatError } from '../errors.js';
import { table } from '../output/table.js';
import type { PlannedStep, StepReport } from '../runbook/execute.js';
import type { Change } from '../steps/define.js';
import type { NothingToRestore } from './actions.js';
import { restorePlanOf } from './drift.js';

export type RestoreOutcome = 'completed' | 'incomplete' | 'failed' | 'dry-run' | 'declined';

export interface ActionReport extends StepReport {
  drift: string[];
  kept: string[];
}

export interface RestoreReport {
  outcome: RestoreOutcome;
  actions: ActionReport[];
  nothing: NothingToRestore[];
}

const changeLine = (c: Change) => `${c.action} ${c.target}${c.detail ? `: ${c.detail}` : ''}`;

/** What the operator reads before confirming: per action what it puts back, its drift, what stays. */
export function renderRestorePlan(planned: PlannedStep[], nothing: NothingToRestore[]): string {
  const lines = [
    "Plan (the run's changed steps, in reverse order; Block Public Access before the bucket policy):",
  ];
  if (planned.length === 0) lines.push('    (no step of the run has anything to restore)');
  planned.forEach((step, i) => {
    const plan = restorePlanOf(step);
    lines.push(`${String(i + 1).padStart(2)}. ${step.id} (${step.type})`);
    if (!plan) lines.push(`      ! cannot plan: ${formatError(step.planError)}`);
    else if (plan.changes.length === 0) lines.push('      nothing to put back');
    for (const c of plan?.changes ?? []) lines.push(`      < ${changeLine(c)}`);
    for (const d of plan?.drift ?? []) lines.push(`      !! DRIFT: ${d}`);
    for (const k of plan?.kept ?? []) lines.push(`      = kept: ${k}`);
    for (const n of plan?.notes ?? []) lines.push(`      ! ${n}`);
  });
  if (nothing.length) {
    lines.push('Nothing to restore:');
    for (const n of nothing) lines.push(`    ${n.id} (${n.type}): ${n.reason}`);
  }
  return lines.join('\n');
}

function putBack(r: ActionReport): string {
  if (r.error)
    return `${r.changes.length ? `${r.changes.map(changeLine).join('; ')}; then ` : ''}${r.error.text}`;
  if (r.reason) return r.reason;
  if (r.changes.length) return r.changes.map(changeLine).join('; ');
  if (r.kept.length) return 'left as drp left it, on purpose (below)';
  return r.outcome === 'planned' ? 'nothing to put back' : '-';
}

const VERDICT: Record<RestoreOutcome, string> = {
  completed: 'Restored: every action succeeded.',
  incomplete: 'RESTORE INCOMPLETE: some actions were not applied (see drift above).',
  failed: 'RESTORE INCOMPLETE: an action failed.',
  'dry-run': 'Dry-run: nothing was changed.',
  declined: 'Declined: nothing was changed.',
};

/** The closing summary: each action, what stays on purpose, drift, and the restore journal. */
export function renderRestoreSummary(report: RestoreReport, journalPath: string, next: string[]): string {
  const rows = report.actions.map((a) => [a.id, a.outcome, putBack(a)]);
  const kept = report.actions.flatMap((a) => a.kept.map((k) => `  - ${a.id}: ${k}`));
  const drift = report.actions.flatMap((a) => a.drift.map((d) => `  ! ${a.id}: ${d}`));
  const notes = report.actions.flatMap((a) => a.notes.map((n) => `  ! ${a.id}: ${n}`));
  return [
    ...(rows.length ? [table(['step', 'outcome', 'what it put back'], rows)] : ['No action to take.']),
    ...(kept.length ? ['', 'Left as drp left it, on purpose:', ...kept] : []),
    ...(drift.length ? ['', 'Drift (changed since drp ran):', ...drift] : []),
    ...(notes.length ? ['', 'Notes:', ...notes] : []),
    ...(report.nothing.length
      ? ['', 'Nothing to restore:', ...report.nothing.map((n) => `  - ${n.id} (${n.type}): ${n.reason}`)]
      : []),
    '',
    VERDICT[report.outcome],
    ...next.map((s) => `  - ${s}`),
    `restore journal: ${journalPath}`,
  ].join('\n');
}
