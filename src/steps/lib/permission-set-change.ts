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
}

export const where = (ps: PermissionSetObserved) => `permission set ${ps.name}`;

export const provisionChange = (t: IdcTarget, ps: PermissionSetObserved): Change => ({
  action: 'provision-permission-set',
  target: ps.arn,
  detail: `${ps.name} to account ${t.accountId} (its AWSReservedSSO_${ps.name}_ role there gets the new inline policy)`,
});

/** Merges drp's statements into the permission set's inline policy, puts it, and provisions it to the account. */
export async function putAndProvision(
  ctx: StepContext,
  t: IdcTarget,
  ps: PermissionSetObserved,
  statements: Statement[],
  change: Change,
  done: Done,
): Promise<void> {
  const merged = withStatements(where(ps), ps.before, statements);
  const put = await ctx.aws.ssoAdmin.putInlinePolicy(t.instanceArn, ps.arn, merged.text);
  if (put.requestId) done.requestIds.push(put.requestId);
  done.changes.push(change);
  const provisioned = await provisionAndWait(ctx, t.instanceArn, ps.arn, t.accountId);
  if (provisioned.requestId) done.requestIds.push(provisioned.requestId);
  done.changes.push(provisionChange(t, ps));
  if (provisioned.status === 'IN_PROGRESS')
    done.notes.push(stillProvisioningNote(provisioned, t.instanceArn, t.accountId));
}
