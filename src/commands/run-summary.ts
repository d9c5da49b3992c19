import { renderSummary } from '../output/render.js';
import type { Estimate } from '../runbook/estimate.js';
import { totalText } from '../runbook/estimate-text.js';
import type { RunReport } from '../runbook/execute.js';
import { recordIdentities } from '../runbook/journal-identities.js';
import type { Session } from '../runbook/session.js';
import type { CommandResult } from './env.js';
import { notifyLines, type NotifyResult } from './notify.js';

export function countOutcomes(report: RunReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of report.steps) counts[s.outcome] = (counts[s.outcome] ?? 0) + 1;
  return counts;
}

function nextSteps(report: RunReport, journalPath: string, incidentId: string): string[] {
  if (report.outcome === 'dry-run') {
    return [
      `Apply this plan: the same command without --dry-run, with --incident ${incidentId} to keep one incident id.`,
    ];
  }
  if (report.outcome !== 'failed') return [`Check the journal: drp verify ${journalPath}`];
  const failed = report.steps.filter((s) => s.outcome === 'failed').map((s) => s.id);
  const skipped = report.steps.filter((s) => s.outcome === 'skipped').map((s) => s.id);
  return [
    `Failed: ${failed.join(', ')}.${skipped.length ? ` Not run: ${skipped.join(', ')}.` : ''}`,
    `Fix the cause shown above (permissions, quotas, the resource), then run the same command again with`,
    `  --incident ${incidentId}: every step is idempotent within an incident, so what already succeeded`,
    '  reports "nothing-to-do" (a new incident id would add a second revoke policy and SCP).',
  ];
}

export function result(
  report: RunReport,
  journalPath: string,
  session: Session,
  opts: { dryRun: boolean },
): CommandResult {
  const exitCode = report.outcome === 'completed' || report.outcome === 'dry-run' ? 0 : 1;
  return {
    exitCode,
    text: renderSummary(report, journalPath, nextSteps(report, journalPath, session.incidentId)),
    json: {
      incidentId: session.incidentId,
      accountId: session.caller.accountId,
      region: session.region,
      caller: session.caller,
      identities: recordIdentities(session.identities, session.used),
      dryRun: opts.dryRun,
      outcome: report.outcome,
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
