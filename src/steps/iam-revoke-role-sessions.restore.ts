import { isDeepStrictEqual } from 'node:util';
import { defineRestore, StepFailure, type Change } from './define.js';
import type { Observed, RoleObserved } from './iam-revoke-role-sessions.js';
import { issuedBefore, revokePolicy, revokePolicyName } from './lib/revoke-policy.js';

interface LiveRole {
  role: string;
  arn: string;
  policyName: string;
  /** The revoke policy's document now, or null: already gone. */
  document: string | null;
}

/** Whether the live document is the revoke policy drp wrote (at the run's revocation time, when known). */
function isDrpRevokePolicy(document: string, revokedAt: string | undefined): boolean {
  const time = revokedAt ?? issuedBefore(document);
  if (!time) return false;
  try {
    return isDeepStrictEqual(JSON.parse(document), revokePolicy(new Date(time)));
  } catch {
    return false;
  }
}

const deleteChange = (r: { arn: string; policyName: string }): Change => ({
  action: 'delete-role-policy',
  target: r.arn,
  detail: `${r.policyName} (drp's; the role had none of that name before)`,
});

/**
 * Removes the revoke policy drp put on each role, and only that one: a role that already had
 * `drp-revoke-<incident>` before this run (an earlier run of the incident put it) is left alone.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['iam:GetRolePolicy', 'iam:DeleteRolePolicy'],

  async plan(ctx, { plan: { observed }, result }) {
    const name = revokePolicyName(ctx.incidentId);
    // Never another policy: the name must be drp's own for this incident.
    const ours = observed.roles.filter((r) => r.existingPolicy === null && r.policyName === name);
    const earlier = observed.roles.filter((r: RoleObserved) => r.existingPolicy !== null);
    const revokedAt = (result?.data as { issuedBefore?: string } | undefined)?.issuedBefore;
    const live: LiveRole[] = [];
    const changes: Change[] = [];
    const drift: string[] = [];
    const notes = earlier.map(
      (r) =>
        `role ${r.role} already had ${r.policyName} before this run (an earlier run of the incident put it): left as is; restore that run's journal to remove it`,
    );
    for (const r of ours) {
      const document = (await ctx.aws.iam.getRolePolicy(r.role, r.policyName)) ?? null;
      live.push({ role: r.role, arn: r.arn, policyName: r.policyName, document });
      if (document === null) {
        notes.push(`role ${r.role} no longer has ${r.policyName}: nothing to remove`);
        continue;
      }
      if (!isDrpRevokePolicy(document, revokedAt))
        drift.push(`role ${r.role}: ${r.policyName} is not the document drp wrote (edited since)`);
      changes.push(deleteChange(r));
    }
    return {
      observed: { roles: live },
      before: { roles: ours.map((r) => ({ role: r.role, policyName: r.policyName, existingPolicy: null })) },
      changes,
      drift,
      kept: [],
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { roles } = plan.observed as { roles: LiveRole[] };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const r of roles.filter((l) => l.document !== null)) {
        const call = await ctx.aws.iam.deleteRolePolicy(r.role, r.policyName);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(deleteChange(r));
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds }, { cause: err });
    }
    return { changes, requestIds };
  },
});
