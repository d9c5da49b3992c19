import { type Change, type StepContext, StepFailure, type StepRestore } from '../define.js';
import { provisionAndWait, stillProvisioningNote } from './idc.js';
import {
  type Done,
  type IdcTarget,
  type PermissionSetObserved,
  provisionChange,
  where,
} from './permission-set-change.js';
import { isDrpSid, withoutStatements } from './permission-set-policy.js';

/** How the restore of an idc-* step takes drp's statements out of the permission sets it changed. */

/** What a restore does to one permission set: drp's statements (by Sid) taken out of it. */
export interface PermissionSetUndo extends PermissionSetObserved {
  sids: string[];
}

const undoChange = (ps: PermissionSetObserved, text: string | null, asBefore: boolean): Change =>
  text === null
    ? { action: 'delete-inline-policy', target: ps.arn, detail: `${ps.name} had no inline policy before drp` }
    : {
        action: 'put-inline-policy',
        target: ps.arn,
        detail: `${ps.name}: ${asBefore ? 'the inline policy as it was before drp' : "the live inline policy without drp's statement"}`,
      };

/**
 * Reads the live inline policy of each permission set drp changed and plans to take drp's
 * statements out: the before-state byte for byte when nothing else changed since, otherwise the
 * live policy without drp's statements (drift: someone edited it since). Restores plan before any
 * applies, and two steps of a run may share a permission set: apply reads it again.
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
    if (live === null || !sids.some((sid) => live.includes(`"${sid}"`))) {
      notes.push(`${where(ps)} no longer has drp's statement: nothing to remove`);
      continue;
    }
    const next = withoutStatements(where(ps), live, ps.before, sids, isDrpSid(ctx.incidentId));
    if (next.drifted)
      drift.push(
        `${where(ps)}: its inline policy changed since drp's run; only drp's statement is taken out, the rest is left as it is now`,
      );
    undo.push({ ...ps, sids: [...sids] });
    changes.push(undoChange(ps, next.text, next.text === ps.before), provisionChange(t, ps));
  }
  return { undo, changes, drift, notes };
}

/** Takes drp's statements out of each inline policy as it is now, then provisions the permission set to the account. */
export async function applyUndo(ctx: StepContext, t: IdcTarget, undo: PermissionSetUndo[], done: Done) {
  const { ssoAdmin } = ctx.aws;
  for (const ps of undo) {
    const live = (await ssoAdmin.getInlinePolicy(t.instanceArn, ps.arn)) ?? null;
    if (live === null || !ps.sids.some((sid) => live.includes(`"${sid}"`))) continue;
    const next = withoutStatements(where(ps), live, ps.before, ps.sids, isDrpSid(ctx.incidentId));
    const call =
      next.text === null
        ? await ssoAdmin.deleteInlinePolicy(t.instanceArn, ps.arn)
        : await ssoAdmin.putInlinePolicy(t.instanceArn, ps.arn, next.text);
    if (call.requestId) done.requestIds.push(call.requestId);
    done.changes.push(undoChange(ps, next.text, next.text === ps.before));
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

    async plan(ctx, { plan: { observed }, result }) {
      const target = { instanceArn: observed.instanceArn, accountId: observed.accountId };
      // What was there right before this step put its statement (another step of the run may have
      // put one first); the plan's before-state for a run cut off before its result.
      const atApply = (result?.data as { before?: Record<string, string | null> } | undefined)?.before ?? {};
      const sets = observed.permissionSets.map((ps) => ({
        ...ps,
        before: Object.hasOwn(atApply, ps.arn) ? (atApply[ps.arn] ?? null) : ps.before,
      }));
      const planned = await planUndo(ctx, target, sets, sidsOf(ctx, observed));
      return {
        observed: { ...target, permissionSets: planned.undo },
        before: { permissionSets: sets.map(({ arn, name, before }) => ({ arn, name, before })) },
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
      const done: Done = { changes: [], requestIds: [], notes: [], before: {} };
      try {
        await applyUndo(ctx, { instanceArn, accountId }, permissionSets, done);
      } catch (err) {
        throw new StepFailure(
          { changes: done.changes, requestIds: done.requestIds, notes: done.notes },
          { cause: err },
        );
      }
      return {
        changes: done.changes,
        requestIds: done.requestIds,
        ...(done.notes.length ? { notes: done.notes } : {}),
      };
    },
  };
}
