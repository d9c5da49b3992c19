import * as z from 'zod';
import { UserError } from '../errors.js';
import { AccountId, IdcUserName } from '../names.js';
import { type Change, defineStep, StepFailure } from './define.js';
import restore from './idc-contain-user.restore.js';
import { idcInstance } from './lib/idc.js';
import { type Done, type PermissionSetObserved, putAndProvision } from './lib/permission-set-change.js';
import { hasStatements, userDenyStatement, withStatements } from './lib/permission-set-policy.js';

export interface IdcUserObserved {
  userName: string;
  userId: string;
  groupIds: string[];
  /** The permission sets assigned to the user, directly or through a group, in the account. */
  permissionSets: string[];
}

export interface Observed {
  instanceArn: string;
  identityStoreId: string;
  accountId: string;
  users: IdcUserObserved[];
  /** The permission sets drp adds a deny to, with their inline policy before. */
  permissionSets: (PermissionSetObserved & { userIds: string[] })[];
}

const Params = z
  .object({
    users: z
      .array(IdcUserName)
      .default([])
      .describe('IAM Identity Center user names (as they sign in) to deny everything in the account'),
    accountId: AccountId.optional().describe(
      "The account whose permission sets get the deny (default: the account drp's credentials are in)",
    ),
  })
  .strict();

const denyChange = (ps: Observed['permissionSets'][number], users: IdcUserObserved[]): Change => ({
  action: 'put-inline-policy',
  target: ps.arn,
  detail: `${ps.name}: deny every action to Identity Center user${users.length > 1 ? 's' : ''} ${users.map((u) => `${u.userName} (identitystore:userId ${u.userId})`).join(', ')}; every other statement kept`,
});

const statementsFor = (incidentId: string, ps: { userIds: string[] }) =>
  ps.userIds.map((id) => userDenyStatement(incidentId, id));

export default defineStep({
  type: 'idc-contain-user',
  summary:
    'Deny IAM Identity Center users everything in the account, and only them: a deny on their identitystore:userId merged into each permission set assigned to them (directly or through a group), provisioned; colleagues on the same permission sets keep working',
  identity: 'org',
  params: Params,
  permissions: [
    'sso:ListInstances',
    'identitystore:GetUserId',
    'identitystore:ListGroupMembershipsForMember',
    'sso:ListAccountAssignmentsForPrincipal',
    'sso:DescribePermissionSet',
    'sso:GetInlinePolicyForPermissionSet',
    'sso:PutInlinePolicyToPermissionSet',
    'sso:ProvisionPermissionSet',
    'sso:DescribePermissionSetProvisioningStatus',
  ],
  example: { users: ['j.doe@example.com'] },

  async plan(ctx, params) {
    const accountId = params.accountId ?? ctx.caller.accountId;
    const empty = { instanceArn: '', identityStoreId: '', accountId, users: [], permissionSets: [] };
    if (params.users.length === 0)
      return {
        observed: empty,
        changes: [],
        notes: ['no Identity Center users given (--idc-user): nothing to deny'],
      };
    const instance = await idcInstance(ctx, 'contain Identity Center users');
    const { ssoAdmin, identityStore } = ctx.aws;
    const users: IdcUserObserved[] = [];
    const missing: string[] = [];
    for (const userName of new Set(params.users)) {
      const userId = await identityStore.getUserIdByUserName(instance.identityStoreId, userName);
      if (!userId) {
        missing.push(userName);
        continue;
      }
      const groupIds = await identityStore.listGroupIdsOfUser(instance.identityStoreId, userId);
      const assigned = new Set(
        await ssoAdmin.listPermissionSetsAssigned(instance.instanceArn, userId, 'USER', accountId),
      );
      for (const g of groupIds)
        for (const ps of await ssoAdmin.listPermissionSetsAssigned(
          instance.instanceArn,
          g,
          'GROUP',
          accountId,
        ))
          assigned.add(ps);
      users.push({ userName, userId, groupIds, permissionSets: [...assigned].sort() });
    }
    if (missing.length)
      throw new UserError(
        `Identity Center user${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in identity store ${instance.identityStoreId} (--idc-user / param users: the user name it signs in with)`,
      );
    const observed: Observed = {
      instanceArn: instance.instanceArn,
      identityStoreId: instance.identityStoreId,
      accountId,
      users,
      permissionSets: [],
    };
    const notes: string[] = [];
    const changes: Change[] = [];
    for (const arn of [...new Set(users.flatMap((u) => u.permissionSets))].sort()) {
      const holders = users.filter((u) => u.permissionSets.includes(arn));
      const ps = {
        arn,
        name: await ssoAdmin.describePermissionSetName(instance.instanceArn, arn),
        before: (await ssoAdmin.getInlinePolicy(instance.instanceArn, arn)) ?? null,
        userIds: holders.map((u) => u.userId),
      };
      const statements = statementsFor(ctx.incidentId, ps);
      if (hasStatements(ps.before, statements)) {
        notes.push(
          `permission set ${ps.name} already denies ${holders.map((u) => u.userName).join(', ')}: not changed`,
        );
        continue;
      }
      const merged = withStatements(`permission set ${ps.name}`, ps.before, statements); // throws if too large
      observed.permissionSets.push(ps);
      changes.push(
        {
          ...denyChange(ps, holders),
          detail: `${denyChange(ps, holders).detail}; ${merged.chars} of 10240 characters`,
        },
        { action: 'provision-permission-set', target: arn, detail: `${ps.name} to account ${accountId}` },
      );
    }
    for (const u of users.filter((x) => x.permissionSets.length === 0))
      notes.push(
        `Identity Center user ${u.userName} has no permission set in account ${accountId}: nothing to deny there; its other accounts are not covered by this run`,
      );
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, _params, plan) {
    const { instanceArn, accountId, users } = plan.observed;
    const done: Done = { changes: [], requestIds: [], notes: [], before: {} };
    const changed: string[] = [];
    try {
      for (const ps of plan.observed.permissionSets) {
        const holders = users.filter((u) => ps.userIds.includes(u.userId));
        await putAndProvision(
          ctx,
          { instanceArn, accountId },
          ps,
          statementsFor(ctx.incidentId, ps),
          denyChange(ps, holders),
          done,
        );
        changed.push(ps.arn);
      }
    } catch (err) {
      throw new StepFailure(
        {
          changes: done.changes,
          requestIds: done.requestIds,
          notes: done.notes,
          data: { permissionSets: changed, before: done.before },
        },
        { cause: err },
      );
    }
    return {
      changes: done.changes,
      requestIds: done.requestIds,
      data: { permissionSets: changed, before: done.before },
      ...(done.notes.length ? { notes: done.notes } : {}),
    };
  },

  restore,
});
