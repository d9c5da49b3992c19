import type { JournalWriter } from '../journal/writer.js';
import { applySteps, recordPlans, type PlannedStep, type StepReport } from '../runbook/execute.js';
import type { NothingToRestore } from './actions.js';
import { decideDrift, drifted, restorePlanOf } from './drift.js';
import type { ActionReport, RestoreOutcome, RestoreReport } from './render.js';
import type { Terminal } from '../terminal.js';
import type { RestoreSession } from './session.js';

export interface ApplyRestoreOptions {
  dryRun: boolean;
  yes: boolean;
  overwriteDrift: boolean;
}

function outcomeOf(steps: StepReport[], nothing: NothingToRestore[]): RestoreOutcome {
  if (steps.some((s) => s.outcome === 'failed')) return 'failed';
  if (steps.some((s) => s.outcome === 'skipped') || nothing.some((n) => n.unknownType)) return 'incomplete';
  return 'completed';
}

const withPlanFacts = (planned: PlannedStep[], steps: StepReport[]): ActionReport[] =>
  steps.map((s) => {
    const plan = restorePlanOf(planned.find((p) => p.id === s.id)!);
    return { ...s, drift: plan?.drift ?? [], kept: plan?.kept ?? [] };
  });

/**
 * The restore's confirm-then-apply, on the run engine's loop: a dry-run journals the plans; on a
 * terminal without --yes the actions without drift are confirmed together, then each drifted one
 * on its own (see decideDrift); then the executor applies them in order, each announced by an
 * intent and closed by a `restore` entry.
 */
export async function applyRestore(
  planned: PlannedStep[],
  nothing: NothingToRestore[],
  deps: {
    journal: JournalWriter;
    session: RestoreSession;
    env: Pick<Terminal, 'confirm' | 'stdinIsTTY' | 'log'>;
    options: ApplyRestoreOptions;
  },
): Promise<RestoreReport> {
  const { journal, session, env, options } = deps;
  const report = (outcome: RestoreOutcome, steps: StepReport[]): RestoreReport => ({
    outcome,
    actions: withPlanFacts(planned, steps),
    nothing,
  });
  if (options.dryRun) return report('dry-run', await recordPlans(planned, journal));
  const plain = planned.filter((s) => !drifted(s)).reduce((n, s) => n + (s.plan?.changes.length ?? 0), 0);
  if (
    !options.yes &&
    plain > 0 &&
    !(await env.confirm(`Put back ${plain} before-state change(s) in account ${session.caller.accountId}?`))
  )
    return report('declined', await recordPlans(planned, journal));
  const decided = await decideDrift(planned, {
    overwriteDrift: options.overwriteDrift,
    interactive: env.stdinIsTTY,
    confirm: env.confirm,
  });
  const steps = await applySteps(decided, {
    journal,
    contextFor: (action) => session.contextFor(action, 'apply', journal.artefacts),
    log: env.log,
    closeWith: 'restore',
  });
  return report(outcomeOf(steps, nothing), steps);
}
