import { defineRestore } from './define.js';
import type { Observed } from './idc-revoke-permission-set-sessions.js';
import { restorePermissionSets } from './lib/permission-set-restore.js';
import { revokeStatement } from './lib/permission-set-policy.js';

/**
 * Takes drp's aws:TokenIssueTime deny out of each permission set (its inline policy as it was
 * before when nothing else changed since) and provisions it to the account again. The sessions it
 * cut are over either way: their users sign in again.
 */
export default defineRestore<unknown, Observed>(
  restorePermissionSets((ctx) => [String(revokeStatement(ctx.incidentId, new Date(0)).Sid)]),
);
