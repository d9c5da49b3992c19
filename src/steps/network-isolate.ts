import * as z from 'zod';
import type { IsolationGroup } from '../aws/network.js';
import { UserError } from '../errors.js';
import { LambdaFunctionArn, unqualifiedFunctionArn } from '../names.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { sameSet, updateFunctionVpc } from './lib/function-update.js';
import { planVpcs, prepareGroups, type VpcObserved } from './lib/isolation-group.js';
import restore from './network-isolate.restore.js';

export interface FunctionObserved {
  function: string;
  arn: string;
  vpcId: string;
  subnetIds: string[];
  /** The security groups before this step: what a restore puts back. */
  securityGroupIds: string[];
  ipv6AllowedForDualStack?: boolean;
  /** False when it already has only the isolation group. */
  isolate: boolean;
}

export interface Observed {
  vpcs: VpcObserved[];
  functions: FunctionObserved[];
}

export interface Isolated {
  function: string;
  arn: string;
  groupId: string;
}

const Params = z
  .object({
    functions: z
      .array(LambdaFunctionArn)
      .default([])
      .describe('Lambda function ARNs; those connected to a VPC lose every network path'),
    waitMinutes: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(10)
      .describe(
        "How long to wait for a function's update to finish (Lambda applies a VPC change in about a minute)",
      ),
    pollSeconds: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(5)
      .describe('Seconds between two reads of a function'),
  })
  .strict();

/** Why an ARN is not one this run can isolate, or undefined. */
function outOfReach(ctx: StepContext, arn: string): string | undefined {
  const [, , , region, account, , name] = arn.split(':');
  if (/[*?]/.test(name ?? ''))
    return `${arn} is a pattern: only the SCP covers it; name each function to isolate it`;
  if (region !== ctx.region || account !== ctx.caller.accountId)
    return `${arn} is in ${account}/${region}, not ${ctx.caller.accountId}/${ctx.region}: run drp there to isolate it`;
  return undefined;
}

async function observeFunctions(ctx: StepContext, functions: readonly string[], notes: string[]) {
  const found: FunctionObserved[] = [];
  const missing: string[] = [];
  for (const given of new Set(functions)) {
    const why = outOfReach(ctx, given);
    if (why) {
      notes.push(why);
      continue;
    }
    const fn = await ctx.aws.network.getFunctionNetwork(unqualifiedFunctionArn(given));
    if (!fn) {
      missing.push(given);
      continue;
    }
    if (given !== fn.arn)
      notes.push(
        `${given}: a version's or alias's configuration cannot change; the function's own ($LATEST) is isolated`,
      );
    if (!fn.vpcId) {
      notes.push(
        `function ${fn.name} is not connected to a VPC: its network cannot be cut this way (Lambda gives it internet access); lambda-isolate stops its invocations`,
      );
      continue;
    }
    const versions = await ctx.aws.network.listPublishedVersions(fn.arn);
    if (versions.length)
      notes.push(
        `function ${fn.name}: published version(s) ${versions.map((v) => v.version).join(', ')} keep the security groups they were published with (a version cannot change); invocations of them or of an alias on them still reach the network: lambda-isolate stops them`,
      );
    found.push({
      function: fn.name,
      arn: fn.arn,
      vpcId: fn.vpcId,
      subnetIds: fn.subnetIds,
      securityGroupIds: fn.securityGroupIds,
      ...(fn.ipv6AllowedForDualStack !== undefined
        ? { ipv6AllowedForDualStack: fn.ipv6AllowedForDualStack }
        : {}),
      isolate: true,
    });
  }
  if (missing.length)
    throw new UserError(
      `Lambda function${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found (--function / param functions)`,
    );
  return found;
}

const isolatedBy = (f: FunctionObserved, group: IsolationGroup | undefined) =>
  group !== undefined && sameSet(f.securityGroupIds, [group.id]);

export default defineStep({
  type: 'network-isolate',
  summary:
    "Replace the security groups of each VPC-connected Lambda function with drp's isolation group (no inbound and no outbound rule; one per VPC, tagged, reused), recording the previous ones",
  params: Params,
  permissions: [
    'lambda:GetFunctionConfiguration',
    'lambda:ListVersionsByFunction',
    'lambda:UpdateFunctionConfiguration',
    'ec2:DescribeSecurityGroups',
    'ec2:CreateSecurityGroup',
    'ec2:CreateTags',
    'ec2:RevokeSecurityGroupEgress',
    // Lambda checks the VPC settings of an update with the caller's permissions (Lambda developer
    // guide, "Giving Lambda functions access to resources in an Amazon VPC").
    'ec2:DescribeSubnets',
    'ec2:DescribeVpcs',
  ],
  example: { functions: ['arn:aws:lambda:us-east-1:123456789012:function:review-generator'] },

  async plan(ctx, { functions }) {
    const notes: string[] = [];
    const found = functions.length ? await observeFunctions(ctx, functions, notes) : [];
    const { vpcs, groups } = await planVpcs(ctx, found);
    const changes: Change[] = [];
    const isolating: Change[] = [];
    for (const f of found) {
      const group = groups.get(f.vpcId);
      if (isolatedBy(f, group)) {
        f.isolate = false;
        notes.push(`function ${f.function} already has only the isolation group ${group!.id}`);
        continue;
      }
      isolating.push({
        action: 'set-security-groups',
        target: f.arn,
        detail: `${f.securityGroupIds.join(', ') || '(none)'} -> ${group?.id ?? `the isolation group of ${f.vpcId}`}`,
      });
    }
    for (const vpc of vpcs.filter((v) => found.some((f) => f.isolate && f.vpcId === v.vpcId))) {
      if (!vpc.groupId)
        changes.push({
          action: 'create-isolation-group',
          target: `ec2:${vpc.vpcId}`,
          detail:
            'drp-isolation, tagged drp:isolation, its default outbound rule revoked; kept by drp restore',
        });
      else if (vpc.close)
        changes.push({
          action: 'close-isolation-group',
          target: vpc.groupId,
          detail: 'revoke its default outbound rule',
        });
    }
    changes.push(...isolating);
    if (functions.length === 0)
      notes.push('no functions given (param functions is empty): nothing to isolate');
    return { observed: { vpcs, functions: found }, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, p, plan) {
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const notes: string[] = [];
    const isolated: Isolated[] = [];
    const groupIds = new Map<string, string>();
    const data = () => ({ isolationGroups: Object.fromEntries(groupIds), functions: isolated });
    try {
      const todo = plan.observed.functions.filter((f) => f.isolate);
      const vpcs = plan.observed.vpcs.filter((v) => todo.some((f) => f.vpcId === v.vpcId));
      for (const [vpcId, groupId] of await prepareGroups(ctx, vpcs, { changes, requestIds }))
        groupIds.set(vpcId, groupId);
      for (const f of todo) {
        const groupId = groupIds.get(f.vpcId)!;
        const vpc = {
          subnetIds: f.subnetIds,
          securityGroupIds: [groupId],
          ...(f.ipv6AllowedForDualStack !== undefined
            ? { ipv6AllowedForDualStack: f.ipv6AllowedForDualStack }
            : {}),
        };
        const done = await updateFunctionVpc(ctx.aws.network, f.arn, vpc, p);
        if (done.requestId) requestIds.push(done.requestId);
        if (done.stillUpdating)
          notes.push(
            `function ${f.function}: Lambda was still applying the isolation group after ${p.waitMinutes} min`,
          );
        isolated.push({ function: f.function, arn: f.arn, groupId });
        changes.push({
          action: 'set-security-groups',
          target: f.arn,
          detail: `${f.securityGroupIds.join(', ') || '(none)'} -> ${groupId}`,
        });
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds, data: data(), notes }, { cause: err });
    }
    return { changes, requestIds, data: data(), ...(notes.length ? { notes } : {}) };
  },

  restore,
});
