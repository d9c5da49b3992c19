import { defineRestore, StepFailure, type Change } from './define.js';
import type { IssuedKey, Observed } from './iam-disable-access-keys.js';

interface DeactivatedKey {
  user: string;
  arn: string;
  accessKeyId: string;
}

/** The keys the run set Inactive: Active before it, and not a replacement drp had issued. */
const deactivatedBy = (observed: Observed): DeactivatedKey[] =>
  observed.users.flatMap((u) =>
    u.keys
      .filter((k) => k.status === 'Active' && !u.replacementKeyIds.includes(k.accessKeyId))
      .map((k) => ({ user: u.user, arn: u.arn, accessKeyId: k.accessKeyId })),
  );

const reactivateChange = (k: DeactivatedKey): Change => ({
  action: 'reactivate-access-key',
  target: k.arn,
  detail: `${k.accessKeyId}: Inactive -> Active (--reactivate-keys)`,
});

/**
 * Keys stay Inactive unless --reactivate-keys: AWS's guidance is never to reactivate a key that
 * may be compromised; rotate it instead. A replacement key drp issued is left as it is.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:UpdateAccessKey'],

  async plan(ctx, { plan: { observed }, result }, options) {
    const keys = deactivatedBy(observed);
    const replacements = (result?.data as { replacements?: IssuedKey[] } | undefined)?.replacements ?? [];
    const kept = replacements.map(
      (r) =>
        `replacement access key ${r.accessKeyId} of user ${r.user}, issued by drp (secret in ${r.file}), is left as it is`,
    );
    const base = { before: { keys: keys.map((k) => ({ ...k, status: 'Active' })) }, drift: [] };
    if (!options.reactivateKeys) {
      kept.unshift(
        ...keys.map(
          (k) =>
            `access key ${k.accessKeyId} of user ${k.user} stays Inactive: a key that may be compromised is never reactivated by default (AWS's guidance: rotate it); --reactivate-keys reactivates it`,
        ),
      );
      return { ...base, observed: { keys: [] }, changes: [], kept };
    }
    const inactive: DeactivatedKey[] = [];
    const notes: string[] = [];
    for (const user of new Set(keys.map((k) => k.user))) {
      const live = (await ctx.aws.iam.getUser(user)) ? await ctx.aws.iam.listAccessKeys(user) : [];
      for (const k of keys.filter((key) => key.user === user)) {
        const status = live.find((l) => l.accessKeyId === k.accessKeyId)?.status;
        if (status === 'Inactive') inactive.push(k);
        else
          notes.push(
            `access key ${k.accessKeyId} of user ${user} ${status ? 'is already Active' : 'no longer exists'}`,
          );
      }
    }
    return {
      ...base,
      observed: { keys: inactive },
      changes: inactive.map(reactivateChange),
      kept,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { keys } = plan.observed as { keys: DeactivatedKey[] };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const k of keys) {
        const call = await ctx.aws.iam.updateAccessKeyStatus(k.user, k.accessKeyId, 'Active');
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(reactivateChange(k));
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds }, { cause: err });
    }
    return { changes, requestIds };
  },
});
