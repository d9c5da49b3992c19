import * as z from 'zod';
import { awsNow, skewNote } from '../aws/clock.js';
import { UserError } from '../errors.js';
import { AccountId, IamName, partitionOf } from '../names.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import restore from './idc-revoke-permission-set-sessions.restore.js';
import { arnLike } from './lib/arn-like.js';
import { idcInstance } from './lib/idc.js';
import { type Done, type PermissionSetObserved, putAndProvision } from './lib/permission-set-change.js';
import { revokeStatement, withStatements } from './lib/permission-set-policy.js';

/**
 * The roles IAM Identity Center makes in each account, one per permission set provisioned there:
 * /aws-reserved/sso.amazonaws.com/[region/]AWSReservedSSO_<permission set name>_<16 hex>. IAM
 * refuses to change them (PutRolePolicy: UnmodifiableEntity), so their sessions are revoked through
 * the permission set.
 */
export const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

export interface Observed {
  instanceArn: string;
  accountId: string;
  permissionSets: (PermissionSetObserved & { role: string })[];
}

const Params = z
  .object({
    roles: z
      .array(IamName)
      .default([])
      .describe(
        'IAM role names; those of IAM Identity Center (AWSReservedSSO_<permission set>_<hash>) get their sessions revoked through their permission set, the others are left to iam-revoke-role-sessions',
      ),
    accountId: AccountId.optional().describe(
      "The account whose sessions are revoked (default: the account drp's credentials are in)",
    ),
    allowSelf: z
      .boolean()
      .default(false)
      .describe("Allow revoking the permission set drp's own session comes from: it cuts this run's session"),
  })
  .strict();

function refuseSelf(ctx: StepContext, role: string, accountId: string): void {
  const arn = `arn:${partitionOf(ctx.caller.arn)}:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/${role}`;
  const isCaller = ctx.caller.roleName === role;
  const exempt = ctx.exemptPrincipals.find((p) => arnLike(p, arn) || p.endsWith(`/${role}`));
  if (!isCaller && !exempt) return;
  throw new UserError(
    `refusing to revoke the sessions of role "${role}": ${
      isCaller
        ? `drp runs on a session of it (${ctx.caller.arn}); this run and every responder signed in through that permission set would lose access`
        : `it is an exempt principal (--exempt-principal ${exempt})`
    }. Remove it from --role / param roles, or set allowSelf: true in the step's with: block if you mean it.`,
  );
}

const revokeChange = (
  ps: Observed['permissionSets'][number],
  accountId: string,
  before?: string,
): Change => ({
  action: 'put-inline-policy',
  target: ps.arn,
  detail: `${ps.name}: deny every action to sessions issued before ${before ?? 'the time of apply (AWS clock)'}, for role ${ps.role} in account ${accountId} and wherever the permission set is provisioned next`,
});

export default defineStep({
  type: 'idc-revoke-permission-set-sessions',
  summary:
    "Revoke the active sessions of IAM Identity Center roles (AWSReservedSSO_*), which IAM refuses to change: the aws:TokenIssueTime deny merged into their permission set's inline policy, provisioned to the account",
  identity: 'org',
  params: Params,
  permissions: [
    'sso:ListInstances',
    'sso:ListPermissionSetsProvisionedToAccount',
    'sso:DescribePermissionSet',
    'sso:GetInlinePolicyForPermissionSet',
    'sso:PutInlinePolicyToPermissionSet',
    'sso:ProvisionPermissionSet',
    'sso:DescribePermissionSetProvisioningStatus',
  ],
  example: { roles: ['AWSReservedSSO_MediaEditors_0123456789abcdef'] },

  async plan(ctx, params) {
    const accountId = params.accountId ?? ctx.caller.accountId;
    const roles = [...new Set(params.roles)].filter((r) => SSO_ROLE.test(r));
    const observed: Observed = { instanceArn: '', accountId, permissionSets: [] };
    // No Identity Center role among them: nothing to do, and no call to a service the run may not reach.
    if (roles.length === 0) return { observed, changes: [] };
    if (!params.allowSelf) for (const r of roles) refuseSelf(ctx, r, accountId);
    const instance = await idcInstance(ctx, 'revoke the sessions of Identity Center roles');
    observed.instanceArn = instance.instanceArn;
    const { ssoAdmin } = ctx.aws;
    const byName = new Map<string, string>();
    for (const arn of await ssoAdmin.listPermissionSetsProvisionedToAccount(instance.instanceArn, accountId))
      byName.set(await ssoAdmin.describePermissionSetName(instance.instanceArn, arn), arn);
    const changes: Change[] = [];
    const notes: string[] = [];
    for (const role of roles) {
      const name = SSO_ROLE.exec(role)![1]!;
      const arn = byName.get(name);
      if (!arn) {
        notes.push(
          `role ${role}: no permission set named ${name} is provisioned to account ${accountId}: its sessions are not revoked here`,
        );
        continue;
      }
      const ps = {
        arn,
        name,
        role,
        before: (await ssoAdmin.getInlinePolicy(instance.instanceArn, arn)) ?? null,
      };
      withStatements(`permission set ${name}`, ps.before, [revokeStatement(ctx.incidentId, new Date(0))]);
      observed.permissionSets.push(ps);
      changes.push(revokeChange(ps, accountId), {
        action: 'provision-permission-set',
        target: arn,
        detail: `${name} to account ${accountId}`,
      });
    }
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, _params, plan) {
    const { instanceArn, accountId } = plan.observed;
    const done: Done = { changes: [], requestIds: [], notes: [], before: {} };
    // AWS's time, not this machine's: the Date of a fresh sso-admin answer.
    await ctx.aws.ssoAdmin.listInstances();
    const clock = ctx.aws.ssoAdmin.serverClock();
    const before = awsNow(clock, ctx.now()) ?? ctx.now();
    const skew = skewNote(clock, 'IAM Identity Center');
    if (skew) done.notes.push(skew);
    if (!clock) done.notes.push("no Date from AWS's response: the revocation time is this machine's clock");
    const revoked: string[] = [];
    try {
      for (const ps of plan.observed.permissionSets) {
        const statement = revokeStatement(ctx.incidentId, before);
        await putAndProvision(
          ctx,
          { instanceArn, accountId },
          ps,
          [statement],
          revokeChange(ps, accountId, before.toISOString()),
          done,
        );
        revoked.push(ps.arn);
      }
    } catch (err) {
      throw new StepFailure(
        {
          changes: done.changes,
          requestIds: done.requestIds,
          notes: done.notes,
          data: { issuedBefore: before.toISOString(), permissionSets: revoked, before: done.before },
        },
        { cause: err },
      );
    }
    return {
      changes: done.changes,
      requestIds: done.requestIds,
      data: { issuedBefore: before.toISOString(), permissionSets: revoked, before: done.before },
      ...(done.notes.length ? { notes: done.notes } : {}),
    };
  },

  restore,
});
