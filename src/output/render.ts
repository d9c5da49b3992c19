import type { PlannedStep, RunReport, StepReport } from '../runbook/execute.js';
import { formatError } from '../errors.js';
import { visible } from '../report/text.js';
import type { Change } from '../steps/define.js';
import { table } from './table.js';

export interface RunHeader {
  runbook: string;
  incidentId: string;
  accountId: string;
  region: string;
  callerArn: string;
  dryRun: boolean;
  /** The other identities the run acts through, when one is not the target's (another account or region). */
  identities?: HeaderIdentity[];
  /** About them: a role that refused the SourceIdentity, ... */
  notes?: string[];
}

export interface HeaderIdentity {
  identity: string;
  accountId: string;
  region: string;
  arn: string;
}

// Targets, details, notes and AWS messages can carry object keys, which may hold any character:
// an escape sequence or a carriage return would rewrite what the operator reads, so they are spelled out.
const changeLine = (c: Change) => visible(`${c.action} ${c.target}${c.detail ? `: ${c.detail}` : ''}`);

export function renderHeader(h: RunHeader): string {
  const mode = h.dryRun ? 'DRY-RUN (nothing will change)' : 'LIVE';
  const lines = [
    `drp ${h.runbook}  incident ${h.incidentId}  ${mode}`,
    `account ${h.accountId}  region ${h.region}  as ${h.callerArn}`,
    ...(h.identities ?? []).map(
      (i) => `  ${i.identity.padEnd(8)}  account ${i.accountId}  region ${i.region}  as ${i.arn}`,
    ),
    ...(h.notes ?? []).map((n) => `  ! ${visible(n)}`),
  ];
  return lines.join('\n');
}

/** The plan an operator reads before confirming: per step, what would change. */
export function renderPlan(planned: PlannedStep[]): string {
  const lines: string[] = [];
  planned.forEach((step, i) => {
    lines.push(
      `${String(i + 1).padStart(2)}. ${step.id} (${step.type})${step.onError === 'continue' ? '  [onError: continue]' : ''}`,
    );
    if (!step.plan) lines.push(`      ! cannot plan: ${visible(formatError(step.planError))}`);
    else if (step.plan.notApplicable !== undefined)
      lines.push(`      not applicable: ${visible(step.plan.notApplicable)}`);
    else if (step.plan.changes.length === 0) lines.push('      nothing to do');
    for (const c of step.plan?.changes ?? []) lines.push(`      + ${changeLine(c)}`);
    for (const n of step.plan?.notes ?? []) lines.push(`      ! ${visible(n)}`);
  });
  return lines.join('\n');
}

export const changeCount = (planned: PlannedStep[]) =>
  planned.reduce((n, s) => n + (s.plan?.changes.length ?? 0), 0);

function whatChanged(r: StepReport): string {
  if (r.error)
    return `${r.changes.length ? `${r.changes.map(changeLine).join('; ')}; then ` : ''}${visible(r.error.text)}`;
  if (r.reason) return visible(r.reason);
  if (r.changes.length === 0) return r.outcome === 'planned' ? 'nothing to do' : '-';
  return r.changes.map(changeLine).join('; ');
}

/** The closing summary: one row per step, then what to do next. */
export function renderSummary(
  report: RunReport,
  journalPath: string | undefined,
  nextSteps: string[] = [],
): string {
  const rows = report.steps.map((r) => [r.id, r.outcome, whatChanged(r)]);
  const notes = report.steps.flatMap((r) => r.notes.map((n) => `  ! ${r.id}: ${visible(n)}`));
  const verdict = {
    completed: 'Every step succeeded.',
    failed: 'CONTAINMENT INCOMPLETE: a step failed.',
    'dry-run': 'Dry-run: nothing was changed.',
    declined: 'Declined: nothing was changed.',
  }[report.outcome];
  return [
    table(['step', 'outcome', 'what changed'], rows),
    ...(notes.length ? ['', 'Findings:', ...notes] : []),
    '',
    verdict,
    ...nextSteps.map((s) => `  - ${s}`),
    ...(journalPath ? [`journal: ${journalPath}`] : []),
  ].join('\n');
}
