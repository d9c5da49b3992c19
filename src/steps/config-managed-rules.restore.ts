import { defineRestore, StepFailure, type Applied, type Change } from './define.js';
import type { Observed } from './config-managed-rules.js';
import { isSameRule, type DesiredRule } from './lib/config-rules.js';

/**
 * The rules the run created: its result's list, or for a run cut off mid-step the rules that were
 * absent before it (those that exist now can only be drp's, or someone's since: drift says which).
 */
function createdBy(recorded: { plan: { observed: Observed }; result?: { data?: unknown } }): DesiredRule[] {
  const data = recorded.result?.data as { created?: DesiredRule[] } | undefined;
  return data?.created ?? recorded.plan.observed.absent;
}

/**
 * Deletes exactly the Config rules drp created: none that existed before the run, and none that
 * watched the same thing under another name. A rule changed since (other parameters or scope) is
 * drift: the operator decides, as for any drifted restore.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['config:DescribeConfigRules', 'config:DeleteConfigRule'],

  async plan(ctx, recorded) {
    const rules = createdBy(recorded);
    const live = await Promise.all(rules.map((r) => ctx.aws.configservice.describeRule(r.name)));
    const changes: Change[] = [];
    const drift: string[] = [];
    rules.forEach((rule, i) => {
      const now = live[i];
      if (!now) return;
      if (!isSameRule(now, rule))
        drift.push(
          `config rule ${rule.name} was changed since drp created it (${now.sourceIdentifier}, parameters ${JSON.stringify(now.inputParameters)})`,
        );
      changes.push({
        action: 'delete-config-rule',
        target: `config-rule/${rule.name}`,
        detail: `drp created it (${rule.identifier}); it did not exist before`,
      });
    });
    return {
      observed: { present: rules.filter((_, i) => live[i]).map((r) => r.name) },
      before: { absent: rules.map((r) => r.name) },
      changes,
      drift,
      kept: [],
    };
  },

  async apply(ctx, _recorded, plan) {
    const done: Applied = { changes: [], requestIds: [] };
    for (const change of plan.changes) {
      try {
        const call = await ctx.aws.configservice.deleteRule(change.target.replace(/^config-rule\//, ''));
        done.changes.push(change);
        if (call.requestId) done.requestIds.push(call.requestId);
      } catch (err) {
        throw new StepFailure(done, { cause: err });
      }
    }
    return done;
  },
});
