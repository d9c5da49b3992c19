import type { IsolationGroup } from '../../aws/network.js';
import { UserError } from '../../errors.js';
import type { Change, StepContext } from '../define.js';

/** drp's isolation security group of each VPC: found by its tag, created once, never deleted. */

export interface VpcObserved {
  vpcId: string;
  /** drp's isolation group in this VPC, when one exists already. */
  groupId?: string;
  /** It still has AWS's default outbound rule (a run stopped between creating and closing it). */
  close: boolean;
}

/** The isolation group of each VPC the functions are in; a group with rules drp did not expect is refused. */
export async function planVpcs(ctx: StepContext, functions: readonly { vpcId: string }[]) {
  const groups = new Map<string, IsolationGroup>();
  const vpcs: VpcObserved[] = [];
  for (const vpcId of new Set(functions.map((f) => f.vpcId))) {
    const group = await ctx.aws.network.findIsolationGroup(vpcId);
    if (group && (group.ingressRules > 0 || !group.onlyDefaultEgress))
      throw new UserError(
        `security group ${group.id} in ${vpcId} carries drp's isolation tag but has rules (${[
          ...(group.ingressRules ? [`${group.ingressRules} inbound`] : []),
          ...group.egress,
        ].join(
          '; ',
        )}): it would not isolate. Remove its rules, or its drp:isolation tag for drp to create another, and run again`,
      );
    if (group) groups.set(vpcId, group);
    vpcs.push({ vpcId, ...(group ? { groupId: group.id } : {}), close: Boolean(group?.egress.length) });
  }
  return { vpcs, groups };
}

/** Creates the missing groups and closes the open ones; returns each VPC's group id. */
export async function prepareGroups(
  ctx: StepContext,
  vpcs: readonly VpcObserved[],
  done: { changes: Change[]; requestIds: string[] },
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const vpc of vpcs) {
    let groupId = vpc.groupId;
    if (!groupId) {
      const created = await ctx.aws.network.createIsolationGroup(vpc.vpcId, ctx.incidentId);
      groupId = created.groupId;
      if (created.requestId) done.requestIds.push(created.requestId);
      done.changes.push({ action: 'create-isolation-group', target: `ec2:${vpc.vpcId}`, detail: groupId });
    }
    if (!vpc.groupId || vpc.close) {
      for (const call of await ctx.aws.network.closeIsolationGroup(groupId))
        if (call.requestId) done.requestIds.push(call.requestId);
      done.changes.push({
        action: 'close-isolation-group',
        target: groupId,
        detail: 'no inbound and no outbound rule',
      });
    }
    ids.set(vpc.vpcId, groupId);
  }
  return ids;
}
