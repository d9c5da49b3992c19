import { type Change, type StepContext, StepFailure, type StepRestore } from '../define.js';
import { provisionAndWait, stillProvisioningNote } from './idc.js';
import {
  type Done,
  type IdcTarget,
  type PermissionSetObserved,
  provisionChange,
  where,
} from './permission-set-change.js';
import { withoutStatements } from './permission-set-policy.js';

/** How the restore of an idc-* step takes drp's statements out of the permission sets it changed. */

/** What a restore does to one permission set: the inline policy to put back (null: remove it). */
export interface PermissionSetUndo extends PermissionSetObserved {
  putBack: string | null;
}

/**
 * Reads the live inline policy of each permission set drp changed and plans to take drp's
 * statements out: the before-state byte for byte when nothing else changed since, otherwise the
 * live policy without drp's statements (drift: someone edited it since).
 */
export async function planUndo(
  ctx: StepContext,
  t: IdcTarget,
  changed: PermissionSetObserved[],
  sids: readonly string[],
) {
  const undo: PermissionSetUndo[] = [];
  const changes: Change[] = [];
  const drift: string[] = [];
  const notes: string[] = [];
  for (const ps of changed) {
    const live = (await ctx.aws.ssoAdmin.getInlinePolicy(t.instanceArn, ps.arn)) ?? null;
    const ours = live !== null && sids.some((sid) => live.includes(`"${sid}"`));
    if (!ours) {
      notes.push(`${where(ps)} no longer has drp's statement: nothing to remove`);
      continue;
    }
    const next = withoutStatements(where(ps), live, ps.before, sids);
    if (!next.sameAsBefore)
      drift.push(
        `${where(ps)}: its inline policy changed since drp's run; only drp's statement is taken out, the rest is left as it is now`,
      );
    undo.push({ ...ps, putBack: next.text });
    changes.push(
      next.text === null
        ? {
            action: 'delete-inline-policy',
            target: ps.arn,
            detail: `${ps.name} had no inline policy before drp`,
          }
        : {
            action: 'put-inline-policy',
            target: ps.arn,
            detail: `${ps.name}: ${next.sameAsBefore ? 'the inline policy as it was before drp' : "the live inline policy without drp's statement"}`,
          },
      provisionChange(t, ps),
    );
  }
  return { undo, changes, drift, notes };
}

/** Puts back (or removes) each inline policy, then provisions the permission set to the account. */
export async function applyUndo(ctx: StepContext, t: IdcTarget, undo: PermissionSetUndo[], done: Done) {
  const { ssoAdmin } = ctx.aws;
  for (const ps of undo) {
    const call =
      ps.putBack === null
        ? await ssoAdmin.deleteInlinePolicy(t.instanceArn, ps.arn)
        : await ssoAdmin.putInlinePolicy(t.instanceArn, ps.arn, ps.putBack);
    if (call.requestId) done.requestIds.push(call.requestId);
    done.changes.push(
      ps.putBack === null
        ? {
            action: 'delete-inline-policy',
            target: ps.arn,
            detail: `${ps.name} had no inline policy before drp`,
          }
        : { action: 'put-inline-policy', target: ps.arn, detail: `${ps.name}: drp's statement taken out` },
    );
    const provisioned = await provisionAndWait(ctx, t.instanceArn, ps.arn, t.accountId);
    if (provisioned.requestId) done.requestIds.push(provisioned.requestId);
    done.changes.push(provisionChange(t, ps));
    if (provisioned.status === 'IN_PROGRESS')
      done.notes.push(stillProvisioningNote(provisioned, t.instanceArn, t.accountId));
  }
}

interface PermissionSetsObserved extends IdcTarget {
  permissionSets: PermissionSetObserved[];
}

/**
 * The restore of an idc-* step: drp's statements (their Sids, from what the run observed) taken out
 * of each permission set it changed, which is provisioned to the account again.
 */
export function restorePermissionSets<O extends PermissionSetsObserved>(
  sidsOf: (ctx: StepContext, observed: O) => string[],
): StepRestore<unknown, O> {
  return {
    permissions: [
      'sso:GetInlinePolicyForPermissionSet',
      'sso:PutInlinePolicyToPermissionSet',
      'sso:DeleteInlinePolicyFromPermissionSet',
      'sso:ProvisionPermissionSet',
      'sso:DescribePermissionSetProvisioningStatus',
    ],

    async plan(ctx, { plan: { observed } }) {
      const target = { instanceArn: observed.instanceArn, accountId: observed.accountId };
      const planned = await planUndo(ctx, target, observed.permissionSets, sidsOf(ctx, observed));
      return {
        observed: { ...target, permissionSets: planned.undo },
        before: {
          permissionSets: observed.permissionSets.map(({ arn, name, before }) => ({ arn, name, before })),
        },
        changes: planned.changes,
        drift: planned.drift,
        kept: [],
        ...(planned.notes.length ? { notes: planned.notes } : {}),
      };
    },

    async apply(ctx, _recorded, plan) {
      const { instanceArn, accountId, permissionSets } = plan.observed as IdcTarget & {
        permissionSets: PermissionSetUndo[];
      };
      const done: Done = { changes: [], requestIds: [], notes: [] };
      try {
        await applyUndo(ctx, { instanceArn, accountId }, permissionSets, done);
      } catch (err) {
        throw new StepFailure(done, { cause: err });
      }
      return {
        changes: done.changes,
        requestIds: done.requestIds,
        ...(done.notes.length ? { notes: done.notes } : {}),
      };
    },
  };
}
