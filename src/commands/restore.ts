import { UserError } from '../errors.js';
import { acquireLock } from '../journal/lock.js';
import { JournalWriter } from '../journal/writer.js';
import { planSteps } from '../runbook/execute.js';
import { restoreActions } from '../restore/actions.js';
import { applyRestore } from '../restore/apply.js';
import { defaultRestoreDir, restoreGenesis } from '../restore/journal.js';
import { readRun, type RecordedRun } from '../restore/recorded.js';
import { renderRestorePlan, renderRestoreSummary, type RestoreReport } from '../restore/render.js';
import { openRestoreSession } from '../restore/session.js';
import { journalPathOf } from '../journal/locate.js';
import type { CommandEnv, CommandResult } from './env.js';
import { identityOptions } from './accounts.js';
import { incidentDirOf, liveRunJournals, liveRunsHint } from './live-runs.js';
import { loadSigner, type SigningOptions } from './signing.js';

export interface RestoreFlags extends SigningOptions {
  dryRun: boolean;
  yes: boolean;
  /** --only STEP_ID (repeatable): restore just these steps of the run. */
  only: string[];
  reactivateKeys: boolean;
  releaseHolds: boolean;
  /** Put back policy statements that grant access outside the organization (default: left out, and named). */
  keepExternalGrants: boolean;
  /** Apply drifted actions without a terminal to confirm them (the warning is still shown). */
  overwriteDrift: boolean;
  evidenceDir?: string;
  concurrency: number;
  operator?: string;
}

function unsealedWarnings(run: RecordedRun): string[] {
  if (run.stoppedByInterrupt)
    return [
      `${run.path} is a run that was interrupted (Ctrl-C) before its end: restoring what it did up to then ` +
        `(to finish the containment instead: drp resume ${run.path})`,
    ];
  if (run.sealed) return [];
  return [
    `${run.path} is not sealed: the run was cut short after ${run.entries} entries; restoring what its results say was applied`,
    ...run.steps
      .filter((s) => s.interrupted)
      .map(
        (s) =>
          `step ${s.id} has an intent but no result (it may be half-done): its restore compares the live state with the before-state`,
      ),
  ];
}

function nextSteps(report: RestoreReport, run: RecordedRun): string[] {
  const skipped = report.actions.filter((a) => a.outcome === 'skipped').map((a) => a.id);
  const only = skipped.map((id) => `--only ${id}`).join(' ');
  if (report.outcome === 'dry-run') return ['Apply this plan: the same command without --dry-run.'];
  if (report.outcome === 'failed')
    return [
      `Fix the cause shown above, then run drp restore ${run.path} again: what is already restored reports nothing to put back.`,
    ];
  if (skipped.length)
    return [
      `Review the drift. To put the before-state back anyway: drp restore ${run.path} ${only} --yes --overwrite-drift`,
      '  (or run it on a terminal without --overwrite-drift to confirm each action).',
    ];
  return [];
}

/**
 * `drp restore <journal>`: undo a run from what its journal recorded. Verifies the journal,
 * walks the steps that changed something in reverse order, plans each step type's restore
 * read-only (with drift warnings), confirms, applies, and journals it all in a new journal
 * linked to the run's by journal id and head hash.
 */
export async function restore(given: string, flags: RestoreFlags, env: CommandEnv): Promise<CommandResult> {
  const journalPath = journalPathOf(given);
  const run = readRun(journalPath);
  if (run.genesis.dryRun)
    return {
      exitCode: 0,
      text:
        `${journalPath} is the journal of a dry-run: it changed nothing, so there is nothing to restore. ` +
        `To undo a live run, restore its journal: ${liveRunsHint(journalPath, run.genesis.incidentId)}.`,
      json: {
        restored: false,
        dryRunJournal: true,
        journal: journalPath,
        liveRuns: liveRunJournals(incidentDirOf(journalPath, run.genesis.incidentId)),
      },
    };
  if (env.incidentId && env.incidentId !== run.genesis.incidentId)
    throw new UserError(`--incident ${env.incidentId}: the journal is of incident ${run.genesis.incidentId}`);
  if (!flags.dryRun && !flags.yes && !env.stdinIsTTY)
    throw new UserError(
      'refusing to change AWS without confirmation: stdin is not a terminal. Review the plan with --dry-run, then pass --yes.',
    );
  const options = {
    reactivateKeys: flags.reactivateKeys,
    releaseHolds: flags.releaseHolds,
    keepExternalGrants: flags.keepExternalGrants,
  };
  const { actions, nothing } = restoreActions(run, flags.only, options);
  const warnings = unsealedWarnings(run);
  for (const w of warnings) env.notice(`drp: warning: ${w}`);
  // A run that is still going (its journal unsealed and locked by a live drp) must not be undone under it.
  const release = run.sealed ? () => undefined : acquireLock(run.path);
  try {
    const signer = await loadSigner(flags, env);
    const evidenceDir = flags.evidenceDir ?? defaultRestoreDir(run, env.now?.() ?? new Date());
    const session = await openRestoreSession(run, actions, {
      aws: env.aws,
      ...(await identityOptions(env, flags.operator)),
      concurrency: flags.concurrency,
      evidenceDir,
      writable: !flags.dryRun,
      log: env.log,
      progress: env.progress,
      now: env.now,
    });
    const planned = await planSteps(actions, (a) => session.contextFor(a, 'plan'), env.log);
    const journal = JournalWriter.create(evidenceDir, signer, env.now);
    let report: RestoreReport;
    try {
      await journal.append('genesis', restoreGenesis(run, session, signer, { ...flags, options }));
      env.say(
        `drp restore  incident ${run.genesis.incidentId}  ${flags.dryRun ? 'DRY-RUN (nothing will change)' : 'LIVE'}\n` +
          `account ${session.caller.accountId}  region ${session.region}  as ${session.caller.arn}\n` +
          `undoing ${run.path} (journal ${run.journalId}, ${run.sealed ? 'sealed' : 'NOT SEALED'})\n\n` +
          `${renderRestorePlan(planned, nothing)}\n`,
      );
      report = await applyRestore(planned, nothing, { journal, session, env, options: flags });
      const counts: Record<string, number> = {};
      for (const a of report.actions) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
      await journal.seal({ outcome: report.outcome, counts });
    } finally {
      journal.close();
    }
    return {
      exitCode: ['completed', 'dry-run'].includes(report.outcome) ? 0 : 1,
      text: renderRestoreSummary(report, journal.path, nextSteps(report, run)),
      json: {
        incidentId: run.genesis.incidentId,
        restoreOf: { journal: run.path, journalId: run.journalId, head: run.head, sealed: run.sealed },
        accountId: session.caller.accountId,
        region: session.region,
        dryRun: flags.dryRun,
        outcome: report.outcome,
        journal: journal.path,
        actions: report.actions,
        nothingToRestore: report.nothing,
        warnings,
      },
    };
  } finally {
    release();
  }
}
