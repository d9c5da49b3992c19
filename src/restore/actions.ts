import { UserError } from '../errors.js';
import type { PreparedStep } from '../runbook/execute.js';
import {
  StepFailure,
  type AnyStep,
  type Applied,
  type Recorded,
  type RestoreOptions,
  type RestorePlan,
} from '../steps/define.js';
import { findStep } from '../steps/index.js';
import { VERSION } from '../version.js';
import type { RecordedRun, RecordedStep } from './recorded.js';

/** A step of the run that has nothing a restore could undo, and why. */
export interface NothingToRestore {
  id: string;
  type: string;
  reason: string;
  /** A changed step this drp cannot undo: the restore is then incomplete. */
  unknownType?: true;
}

/** The before-state goes into the restore entry beside what the step's restore returns. */
const withBefore = (applied: Applied, plan: RestorePlan): Applied => ({
  ...applied,
  data: { before: plan.before, ...(applied.data as object | undefined) },
});

/**
 * A restore action in the executor's terms: a step whose plan and apply are the step type's
 * restore, bound to what the run recorded. The executor's plan/confirm/apply loop and journaling
 * (intent before the first AWS call, then the closing entry) drive it as they drive a run.
 */
function restoreAction(step: RecordedStep, definition: AnyStep, run: RecordedRun, options: RestoreOptions) {
  const restore = definition.restore!;
  const parsed = definition.params.safeParse(step.params);
  const recorded: Recorded = {
    params: parsed.success ? parsed.data : step.params,
    plan: step.plan,
    ...(step.result ? { result: step.result } : {}),
    artefact: run.artefact,
  };
  const action: AnyStep = {
    ...definition,
    permissions: restore.permissions,
    plan: (ctx) => restore.plan(ctx, recorded, options),
    async apply(ctx, _params, plan) {
      try {
        return withBefore(await restore.apply(ctx, recorded, plan as RestorePlan), plan as RestorePlan);
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        throw new StepFailure(withBefore(err.partial, plan as RestorePlan), { cause: err.cause });
      }
    },
  };
  return {
    id: step.id,
    type: step.type,
    onError: 'continue',
    definition: action,
    params: step.params,
  } satisfies PreparedStep;
}

/**
 * The run's changed steps in reverse order, as restore actions; --only narrows them (an id the
 * journal does not have is exit 2). Steps without a restore (a snapshot, evidence) are listed apart.
 */
export function restoreActions(run: RecordedRun, only: string[], options: RestoreOptions) {
  const known = new Set([...run.steps.map((s) => s.id), ...run.unchanged.map((s) => s.id)]);
  for (const id of only)
    if (!known.has(id))
      throw new UserError(
        `--only ${id}: the journal has no step "${id}"; its steps are ${[...known].join(', ') || '(none)'}`,
      );
  const wanted = (id: string) => only.length === 0 || only.includes(id);
  const actions: PreparedStep[] = [];
  const nothing: NothingToRestore[] = run.unchanged
    .filter((s) => wanted(s.id))
    .map((s) => ({ id: s.id, type: s.type, reason: `the run changed nothing (${s.outcome})` }));
  for (const step of [...run.steps].reverse().filter((s) => wanted(s.id))) {
    const definition = findStep(step.type);
    if (!definition)
      nothing.push({
        id: step.id,
        type: step.type,
        reason: `it changed something, but drp ${VERSION} does not know this step type: undo it by hand`,
        unknownType: true,
      });
    else if (!definition.restore)
      nothing.push({
        id: step.id,
        type: step.type,
        reason: 'nothing to restore (it records or preserves evidence)',
      });
    else actions.push(restoreAction(step, definition, run, options));
  }
  return { actions: honourRunsBefore(actions), nothing };
}

/** Reverse order, except that a restore declaring `runsBefore` moves ahead of the first of those it names. */
function honourRunsBefore(actions: PreparedStep[]): PreparedStep[] {
  const ordered = [...actions];
  for (const action of actions) {
    const after = findStep(action.type)?.restore?.runsBefore ?? [];
    const first = ordered.findIndex((a) => after.includes(a.type));
    const at = ordered.indexOf(action);
    if (first !== -1 && first < at) ordered.splice(first, 0, ...ordered.splice(at, 1));
  }
  return ordered;
}
