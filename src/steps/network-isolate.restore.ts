import { defineRestore, StepFailure, type Change } from './define.js';
import { sameSet, updateFunctionVpc, type Timing } from './lib/function-update.js';
import type { FunctionObserved, Isolated, Observed } from './network-isolate.js';

interface LiveFunction {
  before: FunctionObserved;
  securityGroupIds: string[];
}

/**
 * Puts back the security groups each function had before drp isolated it (with the subnets it had
 * then). drp's isolation group stays: deleting a security group is not drp's to do, and it is
 * reused by the next incident in the VPC.
 */
export default defineRestore<Timing, Observed>({
  permissions: [
    'lambda:GetFunctionConfiguration',
    'lambda:UpdateFunctionConfiguration',
    'ec2:DescribeSecurityGroups',
  ],

  async plan(ctx, { plan: { observed }, result }) {
    const recorded = (result?.data as { functions?: Isolated[] } | undefined)?.functions;
    const groupOf = new Map((recorded ?? []).map((i) => [i.arn, i.groupId]));
    const live: LiveFunction[] = [];
    const changes: Change[] = [];
    const drift: string[] = [];
    const notes: string[] = [];
    for (const before of observed.functions.filter((f) => f.isolate)) {
      const fn = await ctx.aws.network.getFunctionNetwork(before.arn);
      if (!fn) {
        notes.push(`function ${before.function} no longer exists: nothing to put back`);
        continue;
      }
      if (sameSet(fn.securityGroupIds, before.securityGroupIds)) {
        notes.push(`function ${before.function} has its security groups of before already`);
        continue;
      }
      // Cut off before its result: the group drp set is the VPC's isolation group, if it has one.
      const groupId = groupOf.get(before.arn) ?? (await ctx.aws.network.findIsolationGroup(before.vpcId))?.id;
      if (!groupId || !sameSet(fn.securityGroupIds, [groupId]))
        drift.push(
          `function ${before.function}: its security groups are ${fn.securityGroupIds.join(', ') || '(none)'}, not drp's isolation group: restoring replaces them with those of before`,
        );
      live.push({ before, securityGroupIds: fn.securityGroupIds });
      changes.push({
        action: 'set-security-groups',
        target: before.arn,
        detail: `${fn.securityGroupIds.join(', ') || '(none)'} -> ${before.securityGroupIds.join(', ') || '(none)'}`,
      });
    }
    const kept = observed.vpcs.map(
      (v) =>
        `the isolation group of ${v.vpcId}${v.groupId ? ` (${v.groupId})` : ''} stays: deleting it is not drp's to do`,
    );
    return {
      observed: { functions: live },
      before: {
        functions: observed.functions.map((f) => ({
          function: f.function,
          securityGroupIds: f.securityGroupIds,
        })),
      },
      changes,
      drift,
      kept,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, { params }, plan) {
    const { functions } = plan.observed as { functions: LiveFunction[] };
    const timing = { waitMinutes: params.waitMinutes ?? 10, pollSeconds: params.pollSeconds ?? 5 };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const { before, securityGroupIds } of functions) {
        const vpc = {
          subnetIds: before.subnetIds,
          securityGroupIds: before.securityGroupIds,
          ...(before.ipv6AllowedForDualStack !== undefined
            ? { ipv6AllowedForDualStack: before.ipv6AllowedForDualStack }
            : {}),
        };
        const done = await updateFunctionVpc(ctx.aws.network, before.arn, vpc, timing);
        if (done.requestId) requestIds.push(done.requestId);
        changes.push({
          action: 'set-security-groups',
          target: before.arn,
          detail: `${securityGroupIds.join(', ')} -> ${before.securityGroupIds.join(', ')}`,
        });
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds }, { cause: err });
    }
    return { changes, requestIds };
  },
});
