import { defineRestore, StepFailure, type Change } from './define.js';
import type { Observed } from './org-scp-deny.js';
import { explainOrgError } from './lib/org-errors.js';
import { sameContent, scpName } from './lib/scp-document.js';
import { describeTarget } from './lib/scp-target.js';

interface LiveScp {
  policyId: string | null;
  targets: string[];
}

/**
 * Detaches drp's SCP from the target drp attached it to, deletes it when drp created it (observed
 * says whether it existed before), or puts its old content back when drp only updated it.
 */
export default defineRestore<unknown, Observed>({
  permissions: [
    'organizations:ListPolicies',
    'organizations:DescribePolicy',
    'organizations:ListTargetsForPolicy',
    'organizations:DetachPolicy',
    'organizations:UpdatePolicy',
    'organizations:DeletePolicy',
  ],

  async plan(ctx, { plan: { observed: o }, result }) {
    // Only drp's own SCP of this incident is ever touched.
    if (o.policyName !== scpName(ctx.incidentId))
      throw new Error(`SCP ${o.policyName} is not drp's SCP of incident ${ctx.incidentId}: not restoring it`);
    const created = o.policyId === null;
    const before = { existed: !created, content: o.content, attached: o.attached, target: o.target };
    const written = (result?.data as { content?: string } | undefined)?.content;
    const found = await ctx.aws.organizations.findScpByName(o.policyName).catch((err: unknown) => {
      throw explainOrgError(err, { callerAccountId: ctx.caller.accountId, target: o.target });
    });
    if (!found)
      return {
        observed: { policyId: null, targets: [] } satisfies LiveScp,
        before,
        changes: [],
        drift: [],
        kept: [],
        notes: [`SCP ${o.policyName} no longer exists: nothing to undo`],
      };
    const [targets, content] = await Promise.all([
      ctx.aws.organizations.listPolicyTargets(found.id),
      ctx.aws.organizations.getPolicyContent(found.id),
    ]);
    const scp = `SCP ${o.policyName} (${found.id})`;
    const changes: Change[] = [];
    const drift =
      written && !sameContent(content, written)
        ? [`${scp}: its content differs from what drp wrote (edited since)`]
        : [];
    const notes: string[] = [];
    if (!o.attached && targets.includes(o.target))
      changes.push({ action: 'detach-scp', target: describeTarget(o.target), detail: scp });
    const others = targets.filter((t) => t !== o.target);
    if (created && others.length)
      notes.push(
        `${scp} is not deleted: it is also attached to ${others.map(describeTarget).join(', ')}, which drp did not do; detach it there, then run drp restore again`,
      );
    else if (created) changes.push({ action: 'delete-scp', target: scp, detail: 'drp created it' });
    else if (o.content !== null && !sameContent(content, o.content))
      changes.push({
        action: 'update-scp',
        target: scp,
        detail: `back to its content before drp (${o.content.length} characters)`,
      });
    return {
      observed: { policyId: found.id, targets } satisfies LiveScp,
      before,
      changes,
      drift,
      kept: [],
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, { plan: { observed: o } }, plan) {
    const { policyId } = plan.observed as LiveScp;
    const org = ctx.aws.organizations;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const change of plan.changes) {
        const call =
          change.action === 'detach-scp'
            ? await org.detachPolicy(policyId!, o.target)
            : change.action === 'delete-scp'
              ? await org.deletePolicy(policyId!)
              : await org.updatePolicyContent(policyId!, o.content!);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(change);
      }
    } catch (err) {
      const facts = {
        callerAccountId: ctx.caller.accountId,
        managementAccountId: o.managementAccountId,
        target: o.target,
      };
      throw new StepFailure({ changes, requestIds }, { cause: explainOrgError(err, facts) });
    }
    return { changes, requestIds };
  },
});
