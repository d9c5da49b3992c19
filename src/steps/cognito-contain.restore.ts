import { defineRestore, StepFailure, type Change } from './define.js';
import type { Observed } from './cognito-contain.js';

interface LiveUser {
  username: string;
  /** Enabled now; undefined when the user no longer exists. */
  enabled?: boolean;
}

/**
 * Enables again the users drp disabled, and only those: a user that was already disabled before
 * the run stays disabled. The sign-out cannot be undone (the user signs in again).
 */
export default defineRestore<unknown, Observed>({
  permissions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminEnableUser'],

  async plan(ctx, { plan: { observed }, result }) {
    const { userPool } = observed;
    const recorded = (result?.data as { disabled?: string[] } | undefined)?.disabled;
    // Cut off before its result: the users enabled before the run are the ones drp may have disabled.
    const ours = recorded ?? observed.users.filter((u) => u.enabled).map((u) => u.username);
    const live: LiveUser[] = [];
    const changes: Change[] = [];
    const notes: string[] = [];
    for (const username of ours) {
      const user = await ctx.aws.cognito.getUser(userPool, username);
      if (!user) {
        notes.push(`user ${username} no longer exists in ${userPool}: nothing to enable`);
        continue;
      }
      live.push({ username, enabled: user.enabled });
      if (user.enabled) notes.push(`user ${username} is enabled already (someone enabled it since)`);
      else
        changes.push({
          action: 'enable-user',
          target: `cognito-idp:${userPool}/${username}`,
          detail: 'drp disabled it; it was enabled before the run',
        });
    }
    const kept = observed.users.length
      ? [
          'the sign-out of each user cannot be undone: their refresh tokens stay revoked, and they sign in again',
        ]
      : [];
    for (const u of observed.users.filter((x) => !x.enabled))
      kept.push(`user ${u.username} was disabled before the run: it stays disabled`);
    return {
      observed: { userPool, users: live },
      before: { users: observed.users.map((u) => ({ username: u.username, enabled: u.enabled })) },
      changes,
      drift: [],
      kept,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { userPool, users } = plan.observed as { userPool: string; users: LiveUser[] };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const { username } of users.filter((u) => u.enabled === false)) {
        const call = await ctx.aws.cognito.enableUser(userPool, username);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push({ action: 'enable-user', target: `cognito-idp:${userPool}/${username}` });
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds }, { cause: err });
    }
    return { changes, requestIds };
  },
});
