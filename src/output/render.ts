import type { PlannedStep, RunReport, StepReport } from '../runbook/execute.js';
import { formatError } from '../errors.js';
import { visible } from '../report/text.js';
import type { Change } from '../steps/define.js';
import { headline } from '../outcome.js';
import { table, wrapLines } from './table.js';

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
  /** When the incident was detected, and whether a person said so (--detected-at, or the prompt). */
  detection?: { detectedAt: string; given: boolean };
}

const HOUR_MS = 3_600_000;

function clockLine(d: { detectedAt: string; given: boolean }): string {
  const deadline = new Date(Date.parse(d.detectedAt) + 72 * HOUR_MS).toISOString();
  return d.given
    ? `detected ${d.detectedAt}: notify the supervisory authority by ${deadline} (GDPR Art. 33, 72 hours)`
    : `WARNING: detection time not given: the clock starts at this run (${d.detectedAt}), which is later than the real detection; pass --detected-at (e.g. 45m) so the 72-hour deadline (now ${deadline}) is right`;
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
    ...(h.detection ? [clockLine(h.detection)] : []),
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
  if (r.outcome === 'interrupted')
    return `${r.changes.length ? `${r.changes.map(changeLine).join('; ')}; then ` : ''}stopped by the interrupt`;
  if (r.reason) return visible(r.reason);
  if (r.changes.length === 0) return r.outcome === 'planned' ? 'nothing to do' : '-';
  return r.changes.map(changeLine).join('; ');
}

/** A next step: a sentence, or a sentence and the command to run, printed whole on its own line. */
export type NextStep = string | { text: string; command: string };

export interface SummaryOptions {
  /** The terminal's width: the table and every line fit it. Absent for pipes and files. */
  columns?: number;
  /** The run contains an incident (drp contain): a complete run says CONTAINED. */
  containment?: boolean;
}

/** The outcome line: the same words as the report's status box (src/outcome.ts). */
export function verdict(report: RunReport, containment = false): string {
  const ids = (outcome: string) => report.steps.filter((s) => s.outcome === outcome).map((s) => s.id);
  return headline({
    outcome: report.outcome,
    containment,
    failed: ids('failed'),
    notApplicable: ids('not-applicable'),
    signal: report.interrupt,
  });
}

/** The closing summary: one row per step, then what to do next. */
export function renderSummary(
  report: RunReport,
  journalPath: string | undefined,
  nextSteps: NextStep[] = [],
  options: SummaryOptions = {},
): string {
  const wrap = (text: string) => wrapLines(text, options.columns);
  const rows = report.steps.map((r) => [r.id, r.outcome, whatChanged(r)]);
  const notes = report.steps.flatMap((r) => r.notes.map((n) => `  ! ${r.id}: ${visible(n)}`));
  return [
    table(['step', 'outcome', 'what changed'], rows, options.columns),
    '',
    ...(notes.length ? [wrap(['Findings:', ...notes].join('\n')), ''] : []),
    wrap(verdict(report, options.containment)),
    // A command is never wrapped: copied from the terminal, it must run as printed.
    ...nextSteps.map((s) =>
      typeof s === 'string' ? wrap(`  - ${s}`) : `${wrap(`  - ${s.text}:`)}\n      ${s.command}`,
    ),
    ...(journalPath ? [`journal: ${journalPath}`] : []),
  ].join('\n');
}
