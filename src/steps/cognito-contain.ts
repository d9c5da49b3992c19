import * as z from 'zod';
import type { TokenLifetimes } from '../aws/cognito.js';
import { UserError } from '../errors.js';
import { CognitoUsername, UserPoolId } from '../names.js';
import { type Change, defineStep, StepFailure } from './define.js';
import restore from './cognito-contain.restore.js';

export interface UserObserved {
  /** As given (--cognito-user): a username or an alias. */
  given: string;
  /** The username Cognito stores. */
  username: string;
  /** Enabled before this step: a restore enables only the users drp disabled. */
  enabled: boolean;
}

export interface Observed {
  userPool: string;
  users: UserObserved[];
}

const duration = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

/** What AdminUserGlobalSignOut and AdminDisableUser leave valid (Cognito API reference), with this pool's lifetimes. */
export function tokensStillValid(pool: string, lifetimes: TokenLifetimes): string {
  const longest =
    lifetimes.clients === 0
      ? 'the pool has no app client'
      : `up to ${duration(lifetimes.accessTokenSeconds)} for access tokens and ${duration(lifetimes.idTokenSeconds)} for ID tokens after issue (the longest of the pool's ${lifetimes.clients} app client(s); Cognito allows 5 min to 24 h)`;
  return (
    `user pool ${pool}: sign-out revokes the users' refresh tokens, and Cognito then refuses their access tokens in its own API ` +
    `and their ID tokens at identity pools with ServerSideTokenCheck; an application or API that checks a token's signature alone ` +
    `accepts the access and ID tokens already issued until they expire: ${longest}. It does not clear a managed login ` +
    `session cookie: the hosted UI's /logout endpoint does`
  );
}

export default defineStep({
  type: 'cognito-contain',
  summary:
    'Sign the given Cognito users out everywhere (their refresh tokens revoked) and disable them, recording whether each was enabled; the users and their data are kept',
  params: z
    .object({
      userPool: UserPoolId.or(z.literal(''))
        .default('')
        .describe('The user pool id (REGION_ID); empty when no user is given'),
      users: z
        .array(CognitoUsername)
        .default([])
        .describe('Usernames (or aliases: email, phone) of the pool whose accounts are contained'),
    })
    .strict(),
  permissions: [
    'cognito-idp:DescribeUserPool',
    'cognito-idp:AdminGetUser',
    'cognito-idp:ListUserPoolClients',
    'cognito-idp:DescribeUserPoolClient',
    'cognito-idp:AdminUserGlobalSignOut',
    'cognito-idp:AdminDisableUser',
  ],
  example: { userPool: 'us-east-1_AbC123xyZ', users: ['mallory@example.com'] },

  async plan(ctx, { userPool, users }) {
    const observed: Observed = { userPool, users: [] };
    if (users.length === 0)
      return {
        observed,
        changes: [],
        notes: ['no Cognito users given (param users is empty): nothing to contain'],
      };
    if (!userPool)
      throw new UserError(
        '--cognito-user needs --user-pool ID (param userPool): the pool the users belong to',
      );
    const cognito = ctx.aws.cognito;
    if (!(await cognito.userPoolExists(userPool)))
      throw new UserError(
        `Cognito user pool "${userPool}" not found in ${ctx.region} (--user-pool / param userPool)`,
      );
    const missing: string[] = [];
    for (const given of new Set(users)) {
      const user = await cognito.getUser(userPool, given);
      if (!user) missing.push(given);
      else if (!observed.users.some((u) => u.username === user.username))
        observed.users.push({ given, username: user.username, enabled: user.enabled });
    }
    if (missing.length)
      throw new UserError(
        `Cognito user${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in user pool ${userPool} (--cognito-user / param users)`,
      );
    const changes: Change[] = [];
    for (const u of observed.users) {
      const target = `cognito-idp:${userPool}/${u.username}`;
      changes.push({ action: 'global-sign-out', target, detail: 'revokes every refresh token of the user' });
      if (u.enabled)
        changes.push({
          action: 'disable-user',
          target,
          detail: 'the user can no longer sign in; the user is kept',
        });
    }
    const notes = [tokensStillValid(userPool, await cognito.tokenLifetimes(userPool))];
    for (const u of observed.users.filter((x) => !x.enabled))
      notes.push(`user ${u.username} is already disabled: signed out only, and a restore leaves it disabled`);
    return { observed, changes, notes };
  },

  async apply(ctx, _params, plan) {
    const { userPool, users } = plan.observed;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const disabled: string[] = [];
    const data = () => ({ userPool, disabled, signedOutAt: ctx.now().toISOString() });
    try {
      for (const u of users) {
        const target = `cognito-idp:${userPool}/${u.username}`;
        // Signed out while still enabled, then disabled: each call acts on the state AWS documents it for.
        const out = await ctx.aws.cognito.globalSignOut(userPool, u.username);
        if (out.requestId) requestIds.push(out.requestId);
        changes.push({ action: 'global-sign-out', target });
        if (!u.enabled) continue;
        const off = await ctx.aws.cognito.disableUser(userPool, u.username);
        if (off.requestId) requestIds.push(off.requestId);
        disabled.push(u.username);
        changes.push({ action: 'disable-user', target });
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds, data: data() }, { cause: err });
    }
    return { changes, requestIds, data: data() };
  },

  restore,
});
