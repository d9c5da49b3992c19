import * as z from 'zod';
import { UserError } from '../errors.js';
import { IamName } from '../names.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import restore from './iam-contain-user.restore.js';
import { arnLike } from './lib/arn-like.js';
import { randomConsolePassword } from './lib/console-password.js';
import { denyAllDocument, denyAllManagedArn } from './lib/user-deny-policy.js';
import {
  changesFor,
  type ContainedUser,
  notesFor,
  type Observed,
  observeUser,
  workFor,
} from './lib/user-containment.js';

export type { ContainedUser, Observed } from './lib/user-containment.js';

/** What apply did to one user: what a restore undoes. */
export interface UserApplied {
  user: string;
  deny?: 'inline' | 'managed';
  consoleLocked: boolean;
  /** `<kind>:<id>` of each credential set Inactive. */
  deactivated: string[];
}

const Params = z
  .object({
    users: z
      .array(IamName)
      .default([])
      .describe(
        'IAM users to contain: a deny-all policy, the console password locked, SSH keys, signing certificates and service-specific credentials set Inactive (access keys: iam-disable-access-keys)',
      ),
    keepConsole: z
      .boolean()
      .default(false)
      .describe(
        'Leave the console password as it is (the deny-all still refuses what a console session does)',
      ),
    allowSelf: z
      .boolean()
      .default(false)
      .describe('Allow containing the user drp itself runs as (or an exempt principal): it ends this run'),
  })
  .strict();

function refuseSelf(ctx: StepContext, u: ContainedUser): void {
  const isCaller = u.arn === ctx.caller.principalArn;
  const exempt = ctx.exemptPrincipals.find((p) => arnLike(p, u.arn));
  if (!isCaller && !exempt) return;
  throw new UserError(
    `refusing to contain IAM user "${u.user}": ${
      isCaller
        ? `it is the identity drp runs as (${ctx.caller.arn}); this run would deny itself`
        : `it is an exempt principal (--exempt-principal ${exempt})`
    }. Remove it from --user / param users, or set allowSelf: true in the step's with: block if you mean it.`,
  );
}

async function containOne(
  ctx: StepContext,
  u: ContainedUser,
  keepConsole: boolean,
  done: { changes: Change[]; requestIds: string[]; users: UserApplied[] },
) {
  const { iam } = ctx.aws;
  const managedArn = denyAllManagedArn(ctx.caller.arn);
  const planned = changesFor(u, keepConsole, managedArn);
  const work = workFor(u, keepConsole);
  const record: UserApplied = { user: u.user, consoleLocked: false, deactivated: [] };
  done.users.push(record);
  const step = (call: { requestId?: string }, change: Change | undefined) => {
    if (call.requestId) done.requestIds.push(call.requestId);
    if (change) done.changes.push(change);
  };
  let next = 0;
  if (work.deny === 'inline') {
    step(await iam.putUserPolicy(u.user, u.policyName, JSON.stringify(denyAllDocument())), planned[next++]);
    record.deny = 'inline';
  } else if (work.deny === 'managed') {
    step(await iam.attachUserPolicy(u.user, managedArn), planned[next++]);
    record.deny = 'managed';
  }
  if (work.lockConsole) {
    // Nobody is ever told this password: it exists only in the request that sets it.
    const password = randomConsolePassword(await iam.getAccountPasswordPolicy());
    step(await iam.updateLoginProfile(u.user, password, true), planned[next++]);
    record.consoleLocked = true;
  }
  for (const c of work.deactivate) {
    step(await iam.updateCredentialStatus(c.kind, u.user, c.id, 'Inactive'), planned[next++]);
    record.deactivated.push(`${c.kind}:${c.id}`);
  }
}

export default defineStep({
  type: 'iam-contain-user',
  summary:
    'Contain IAM users beyond their access keys: an inline deny-all (which also stops session tokens they minted), the console password replaced by one nobody knows, SSH keys, signing certificates and service-specific credentials set Inactive; MFA devices recorded',
  params: Params,
  permissions: [
    'iam:GetUser',
    'iam:ListUserPolicies',
    'iam:GetUserPolicy',
    'iam:ListAttachedUserPolicies',
    'iam:GetLoginProfile',
    'iam:ListSSHPublicKeys',
    'iam:ListSigningCertificates',
    'iam:ListServiceSpecificCredentials',
    'iam:ListMFADevices',
    'iam:GetAccountPasswordPolicy',
    'iam:PutUserPolicy',
    'iam:AttachUserPolicy',
    'iam:UpdateLoginProfile',
    'iam:UpdateSSHPublicKey',
    'iam:UpdateSigningCertificate',
    'iam:UpdateServiceSpecificCredential',
  ],
  example: { users: ['media-uploader'], keepConsole: false },

  async plan(ctx, { users, keepConsole, allowSelf }) {
    if (users.length === 0)
      return {
        observed: { users: [], keepConsole },
        changes: [],
        notes: ['no users given (param users is empty): no IAM user to contain'],
      };
    const seen: ContainedUser[] = [];
    const missing: string[] = [];
    for (const name of new Set(users)) {
      const u = await observeUser(ctx, name, ctx.incidentId);
      if (u) seen.push(u);
      else missing.push(name);
    }
    if (missing.length)
      throw new UserError(
        `IAM user${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in account ${ctx.caller.accountId} (--user / param users)`,
      );
    if (!allowSelf) for (const u of seen) refuseSelf(ctx, u);
    const managedArn = denyAllManagedArn(ctx.caller.arn);
    const observed: Observed = { users: seen, keepConsole };
    const notes = seen.flatMap((u) => notesFor(u, keepConsole, managedArn));
    return {
      observed,
      changes: seen.flatMap((u) => changesFor(u, keepConsole, managedArn)),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _params, plan) {
    const done = { changes: [] as Change[], requestIds: [] as string[], users: [] as UserApplied[] };
    try {
      for (const u of plan.observed.users) await containOne(ctx, u, plan.observed.keepConsole, done);
    } catch (err) {
      throw new StepFailure(
        { changes: done.changes, requestIds: done.requestIds, data: { users: done.users } },
        { cause: err },
      );
    }
    return { changes: done.changes, requestIds: done.requestIds, data: { users: done.users } };
  },

  restore,
});
