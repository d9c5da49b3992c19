import { defineRestore } from './define.js';
import type { Observed } from './idc-contain-user.js';
import { restorePermissionSets } from './lib/permission-set-restore.js';
import { userDenyStatement } from './lib/permission-set-policy.js';

/**
 * Takes drp's deny of the contained Identity Center users out of each permission set it went into
 * (the inline policy as it was before when nothing else changed since; none when there was none),
 * and provisions each to the account again.
 */
export default defineRestore<unknown, Observed>(
  restorePermissionSets((ctx, observed) =>
    observed.users.map((u) => String(userDenyStatement(ctx.incidentId, u.userId).Sid)),
  ),
);
