import { exitCodeFor } from '../outcome.js';
import { drpCommand } from '../invocation.js';
import { renderSummary, type NextStep } from '../output/render.js';
import type { Estimate } from '../runbook/estimate.js';
import { totalText } from '../runbook/estimate-text.js';
import type { RunReport, StepReport } from '../runbook/execute.js';
import { recordIdentities } from '../runbook/journal-identities.js';
import type { Session } from '../runbook/session.js';
import type { CommandEnv, CommandResult } from './env.js';
import { notifyLines, type NotifyResult } from './notify.js';

export function countOutcomes(report: RunReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of report.steps) counts[s.outcome] = (counts[s.outcome] ?? 0) + 1;
  return counts;
}

const ids = (steps: StepReport[]) => steps.map((s) => s.id).join(', ');
const IN_PLACE = new Set(['applied', 'nothing-to-do', 'not-applicable']);

/** After Ctrl-C: what is in place, what is not, and the command that finishes the run. */
function afterInterrupt(report: RunReport, journalPath: string): NextStep[] {
  const done = report.steps.filter((s) => IN_PLACE.has(s.outcome));
  const cut = report.steps.filter((s) => s.outcome === 'interrupted');
  const failed = report.steps.filter((s) => s.outcome === 'failed' || s.outcome === 'skipped');
  const notRun = report.steps.filter((s) => s.outcome === 'not-run');
  return [
    `In place: ${done.length ? ids(done) : 'nothing yet'}.`,
    ...cut.map(
      (s) =>
        `Stopped part-way: ${s.id}${s.changes.length ? ` (done before the interrupt, and recorded: ${s.changes.map((c) => c.detail ?? c.action).join('; ')})` : ''}.`,
    ),
    ...(failed.length ? [`Failed or skipped: ${ids(failed)}.`] : []),
    ...(notRun.length ? [`Not run: ${ids(notRun)}.`] : []),
    {
      text: 'Finish the run (steps already done are kept; the interrupted one is re-planned)',
      command: drpCommand('resume', journalPath),
    },
  ];
}

function nextSteps(report: RunReport, journalPath: string, incidentId: string): NextStep[] {
  if (report.outcome === 'dry-run') {
    return [
      `Apply this plan: the same command without --dry-run, with --incident ${incidentId} to keep one incident id.`,
    ];
  }
  if (report.outcome === 'interrupted') return afterInterrupt(report, journalPath);
  if (report.outcome !== 'failed')
    return [{ text: 'Check the journal', command: drpCommand('verify', journalPath) }];
  const failed = report.steps.filter((s) => s.outcome === 'failed').map((s) => s.id);
  const skipped = report.steps.filter((s) => s.outcome === 'skipped').map((s) => s.id);
  return [
    `Failed: ${failed.join(', ')}.${skipped.length ? ` Not run: ${skipped.join(', ')}.` : ''}`,
    `Fix the cause shown above (permissions, quotas, the resource), then run the same command again with ` +
      `--incident ${incidentId}: every step is idempotent within an incident, so what already succeeded ` +
      'reports "nothing-to-do" (a new incident id would add a second revoke policy and SCP).',
  ];
}

/** The exit code the outcome line stands for: 0 completed (or dry-run), 130/143 interrupted, else 1. */
export const exitCodeOf = (report: RunReport): CommandResult['exitCode'] =>
  exitCodeFor(report.outcome, report.interrupt);

export function result(
  report: RunReport,
  journalPath: string,
  session: Session,
  opts: { dryRun: boolean; command?: string },
  env?: Pick<CommandEnv, 'columns'>,
): CommandResult {
  return {
    exitCode: exitCodeOf(report),
    text: renderSummary(report, journalPath, nextSteps(report, journalPath, session.incidentId), {
      columns: env?.columns,
      containment: opts.command === 'contain',
    }),
    json: {
      incidentId: session.incidentId,
      accountId: session.caller.accountId,
      region: session.region,
      caller: session.caller,
      identities: recordIdentities(session.identities, session.used),
      dryRun: opts.dryRun,
      outcome: report.outcome,
      ...(report.interrupt ? { interrupt: report.interrupt } : {}),
      exitCode: exitCodeOf(report),
      journal: journalPath,
      steps: report.steps,
    },
  };
}

/** The run's result with its estimated cost and what the notifications did (text and JSON). */
export function withRunFacts(
  result: CommandResult,
  facts: { estimate: Estimate; notifications?: NotifyResult[] },
): CommandResult {
  const lines = [
    `estimated AWS cost: ${totalText(facts.estimate)}`,
    ...notifyLines(facts.notifications ?? []),
  ];
  return {
    ...result,
    text: [result.text, ...lines].join('\n'),
    json: {
      ...(result.json as Record<string, unknown>),
      estimate: facts.estimate,
      ...(facts.notifications ? { notifications: facts.notifications } : {}),
    },
  };
}
