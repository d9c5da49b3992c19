import type { PlannedStep } from '../runbook/execute.js';
import type { RestorePlan } from '../steps/define.js';

export const restorePlanOf = (step: PlannedStep) => step.plan as RestorePlan | undefined;

/** An action that would overwrite a change someone made since drp's run. */
export const drifted = (step: PlannedStep) =>
  (restorePlanOf(step)?.drift.length ?? 0) > 0 && (step.plan?.changes.length ?? 0) > 0;

export interface DriftChoice {
  /** --overwrite-drift: apply drifted actions without asking (the warning is still shown and journaled). */
  overwriteDrift: boolean;
  /** stdin is a terminal: drifted actions are confirmed one by one. */
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

/**
 * The drift rule. --yes never silences drift: on a terminal each drifted action is confirmed on
 * its own; without one it is skipped (the restore is then incomplete, exit 1) unless
 * --overwrite-drift says to overwrite. A skipped action is journaled as skipped with the reason.
 */
export async function decideDrift(planned: PlannedStep[], choice: DriftChoice): Promise<PlannedStep[]> {
  const decided: PlannedStep[] = [];
  for (const step of planned) {
    if (!drifted(step) || choice.overwriteDrift) {
      decided.push(step);
      continue;
    }
    const drift = restorePlanOf(step)!.drift.join('; ');
    if (choice.interactive) {
      const overwrite = await choice.confirm(
        `${step.id}: ${drift}. Put the before-state back anyway, overwriting that change?`,
      );
      decided.push(
        overwrite ? step : { ...step, declined: `drift: the operator kept the live state (${drift})` },
      );
    } else {
      decided.push({
        ...step,
        declined: `drift: not applied without a terminal to confirm it; --overwrite-drift applies it (${drift})`,
      });
    }
  }
  return decided;
}
