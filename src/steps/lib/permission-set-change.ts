import type { Change, StepContext } from '../define.js';
import type { Statement } from './bucket-policy.js';
import { provisionAndWait, stillProvisioningNote } from './idc.js';
import { withStatements } from './permission-set-policy.js';

/** One permission set whose inline policy an idc-* step changes: the before-state a restore puts back. */
export interface PermissionSetObserved {
  arn: string;
  name: string;
  /** The inline policy before drp (null: none), exactly as sso-admin gave it. */
  before: string | null;
}

/** Where a permission set is changed: the Identity Center instance and the account it is provisioned to. */
export interface IdcTarget {
  instanceArn: string;
  accountId: string;
}

export interface Done {
  changes: Change[];
  requestIds: string[];
  notes: string[];
  /**
   * Each inline policy as it was right before this step put its own (by permission set ARN): what
   * its restore puts back. It differs from the plan's when an earlier step of the run changed the
   * same permission set (the revoke and the user deny both go into an SSO role's permission set).
   */
  before: Record<string, string | null>;
}

export const where = (ps: PermissionSetObserved) => `permission set ${ps.name}`;

export const provisionChange = (t: IdcTarget, ps: PermissionSetObserved): Change => ({
  action: 'provision-permission-set',
  target: ps.arn,
  detail: `${ps.name} to account ${t.accountId} (its AWSReservedSSO_${ps.name}_ role there gets the new inline policy)`,
});

/**
 * Merges drp's statements into the permission set's inline policy as it is now (read again: an
 * earlier step of this run may have changed it since the plan), puts it, and provisions it to the
 * account.
 */
export async function putAndProvision(
  ctx: StepContext,
  t: IdcTarget,
  ps: PermissionSetObserved,
  statements: Statement[],
  change: Change,
  done: Done,
): Promise<void> {
  const live = (await ctx.aws.ssoAdmin.getInlinePolicy(t.instanceArn, ps.arn)) ?? null;
  done.before[ps.arn] = live;
  const merged = withStatements(where(ps), live, statements);
  const put = await ctx.aws.ssoAdmin.putInlinePolicy(t.instanceArn, ps.arn, merged.text);
  if (put.requestId) done.requestIds.push(put.requestId);
  done.changes.push(change);
  const provisioned = await provisionAndWait(ctx, t.instanceArn, ps.arn, t.accountId);
  if (provisioned.requestId) done.requestIds.push(provisioned.requestId);
  done.changes.push(provisionChange(t, ps));
  if (provisioned.status === 'IN_PROGRESS')
    done.notes.push(stillProvisioningNote(provisioned, t.instanceArn, t.accountId));
}
