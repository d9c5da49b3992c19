import { defineRestore, StepFailure, type Change } from './define.js';
import { explain } from './lib/explain.js';
import { retryOn } from './lib/retry.js';
import { rulePrefix, withoutDrpRules, type Shift } from './lib/waf-rules.js';
import type { Added, Observed } from './waf-protect.js';

/**
 * Removes exactly the rules drp added to the web ACL (by name: drp-<incident>-...), and puts back
 * the priorities of the rules it moved down. Every other rule and setting stays as it is now.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['wafv2:GetWebACL', 'wafv2:UpdateWebACL'],

  async plan(ctx, { plan: { observed }, result }) {
    const data = result?.data as Added | undefined;
    const base = { before: { rules: observed.rules }, drift: [] as string[], kept: [] as string[] };
    if (!observed.ref) return { ...base, observed: {}, changes: [] };
    const acl = await ctx.aws.wafv2.getWebAcl(observed.ref);
    if (!acl)
      return {
        ...base,
        observed: {},
        changes: [],
        notes: [`web ACL ${observed.ref.name} no longer exists: nothing to undo`],
      };
    const prefix = rulePrefix(ctx.incidentId);
    // A run cut off before its result: drp's rules are the ones named with this incident's prefix.
    const names = data?.ruleNames ?? acl.rules.map((r) => r.Name ?? '').filter((n) => n.startsWith(prefix));
    const shifted: Shift[] = data?.shifted ?? [];
    const target = `web ACL ${observed.ref.name}`;
    const present = acl.rules.filter((r) => names.includes(r.Name ?? '')).map((r) => r.Name ?? '');
    const changes: Change[] = present.map((name) => ({
      action: 'remove-waf-rule',
      target,
      detail: `${name} (drp added it)`,
    }));
    const drift: string[] = [];
    const back = shifted.filter((s) => {
      const live = acl.rules.find((r) => r.Name === s.name);
      if (live && live.Priority !== s.to)
        drift.push(
          `rule ${s.name} is at priority ${live.Priority} now, not ${s.to} as drp left it: left where it is`,
        );
      return live?.Priority === s.to;
    });
    if (back.length)
      changes.push({
        action: 'reprioritise-waf-rules',
        target,
        detail: `${back.length} rule(s) back to their priorities before drp`,
      });
    return {
      ...base,
      observed: { rules: acl.rules.map((r) => ({ name: r.Name, priority: r.Priority })) },
      changes,
      drift,
    };
  },

  async apply(ctx, { plan: { observed }, result }, plan) {
    const ref = observed.ref!;
    const data = result?.data as Added | undefined;
    const prefix = rulePrefix(ctx.incidentId);
    try {
      const call = await retryOn(['WAFOptimisticLockException'], async () => {
        const acl = await ctx.aws.wafv2.getWebAcl(ref);
        if (!acl) throw new Error(`web ACL ${ref.name} no longer exists`);
        const names =
          data?.ruleNames ?? acl.rules.map((r) => r.Name ?? '').filter((n) => n.startsWith(prefix));
        return ctx.aws.wafv2.updateWebAclRules(acl, withoutDrpRules(acl.rules, names, data?.shifted ?? []));
      });
      return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
    } catch (err) {
      throw new StepFailure(
        { changes: [], requestIds: [] },
        {
          cause: explain(
            err,
            (err as Error).name === 'WAFOptimisticLockException'
              ? `web ACL ${ref.name} kept changing: run drp restore again`
              : undefined,
          ),
        },
      );
    }
  },
});
