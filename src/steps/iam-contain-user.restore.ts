import type { CredentialKind, UserCredential } from '../aws/iam-users.js';
import { defineRestore, type RestoreOptions, StepFailure, type Change, type StepContext } from './define.js';
import type { ContainedUser, Observed, UserApplied } from './iam-contain-user.js';
import { randomConsolePassword } from './lib/console-password.js';
import { prepareSecretsDir, writeSecretFile } from './lib/secret-file.js';
import { credentialName, workFor } from './lib/user-containment.js';
import { denyAllManagedArn, isDenyAll } from './lib/user-deny-policy.js';

interface UserUndo {
  user: string;
  arn: string;
  policyName: string;
  deleteInline: boolean;
  detachManaged?: string;
  resetConsole: boolean;
  reactivate: UserCredential[];
}

/** What the run did to each user: its result, or for a run cut off before it, what its plan meant to do. */
function appliedTo(u: ContainedUser, keepConsole: boolean, result: unknown): UserApplied {
  const recorded = (result as { users?: UserApplied[] } | undefined)?.users?.find((a) => a.user === u.user);
  if (recorded) return recorded;
  const work = workFor(u, keepConsole);
  return {
    user: u.user,
    ...(work.deny === 'already' ? {} : { deny: work.deny }),
    consoleLocked: work.lockConsole,
    deactivated: work.deactivate.map((c) => `${c.kind}:${c.id}`),
  };
}

const changeOf = {
  reactivate: (u: UserUndo, c: UserCredential): Change => ({
    action: `reactivate-${c.kind}`,
    target: u.arn,
    detail: `${credentialName(c)}: Inactive -> Active (--reactivate-keys)`,
  }),
  console: (u: UserUndo, file?: string): Change => ({
    action: 'reset-console-password',
    target: u.arn,
    detail: file
      ? `new random password, to be changed at first sign-in; it is only in ${file} (mode 0600)`
      : 'a new random password, to be changed at first sign-in, written only to a 0600 file under secrets/ in the restore dir',
  }),
  inline: (u: UserUndo): Change => ({
    action: 'delete-user-policy',
    target: u.arn,
    detail: `${u.policyName} (drp's deny-all; the user had none of that name before)`,
  }),
  managed: (u: UserUndo, arn: string): Change => ({
    action: 'detach-user-policy',
    target: u.arn,
    detail: `${arn} (drp attached it; it was not attached before)`,
  }),
};

async function planUser(ctx: StepContext, u: ContainedUser, applied: UserApplied, options: RestoreOptions) {
  const { iam } = ctx.aws;
  const undo: UserUndo = {
    user: u.user,
    arn: u.arn,
    policyName: u.policyName,
    deleteInline: false,
    resetConsole: false,
    reactivate: [],
  };
  const notes: string[] = [];
  const drift: string[] = [];
  const kept: string[] = [];
  if (!(await iam.getUser(u.user)))
    return { undo, notes: [`user ${u.user} no longer exists: nothing to restore`], drift, kept };
  if (applied.deny === 'inline') {
    const live = await iam.getUserPolicy(u.user, u.policyName);
    if (live === undefined) notes.push(`user ${u.user} no longer has ${u.policyName}: nothing to remove`);
    else {
      undo.deleteInline = true;
      if (!isDenyAll(live))
        drift.push(`user ${u.user}: ${u.policyName} is not the deny-all drp wrote (edited since)`);
    }
  }
  if (applied.deny === 'managed') {
    const arn = denyAllManagedArn(ctx.caller.arn);
    if ((await iam.listAttachedUserPolicies(u.user)).some((p) => p.arn === arn)) undo.detachManaged = arn;
    else notes.push(`user ${u.user} no longer has ${arn} attached: nothing to detach`);
  }
  if (applied.consoleLocked) {
    if (await iam.getLoginProfile(u.user)) undo.resetConsole = true;
    else notes.push(`user ${u.user} has no console password now (removed since): none is set`);
  }
  const deactivated = u.credentials.filter((c) => applied.deactivated.includes(`${c.kind}:${c.id}`));
  if (!options.reactivateKeys) {
    kept.push(
      ...deactivated.map(
        (c) =>
          `${credentialName(c)} of user ${u.user} stays Inactive: a credential that may be compromised (or that the attacker uploaded) is not reactivated by default; --reactivate-keys reactivates it`,
      ),
    );
    return { undo, notes, drift, kept };
  }
  for (const kind of new Set(deactivated.map((c) => c.kind))) {
    const live = await iam.listCredentials(kind as CredentialKind, u.user);
    for (const c of deactivated.filter((d) => d.kind === kind)) {
      const status = live.find((l) => l.id === c.id)?.status;
      if (status === 'Inactive') undo.reactivate.push(c);
      else
        notes.push(
          `${credentialName(c)} of user ${u.user} ${status ? 'is already Active' : 'no longer exists'}`,
        );
    }
  }
  return { undo, notes, drift, kept };
}

function changesOf(u: UserUndo): Change[] {
  return [
    ...u.reactivate.map((c) => changeOf.reactivate(u, c)),
    ...(u.resetConsole ? [changeOf.console(u)] : []),
    ...(u.detachManaged ? [changeOf.managed(u, u.detachManaged)] : []),
    ...(u.deleteInline ? [changeOf.inline(u)] : []),
  ];
}

const secretContent = (user: string, password: string, incidentId: string) =>
  `${JSON.stringify({ LoginProfile: { UserName: user, Password: password, PasswordResetRequired: true }, incidentId }, null, 2)}\n`;

/**
 * Undoes iam-contain-user. The deny drp added goes (and nothing else of the user's policies);
 * the console password drp locked is replaced by a new random one that must be changed at first
 * sign-in, its only copy in a 0600 file (AWS cannot give the old one back); SSH keys, signing
 * certificates and service-specific credentials stay Inactive unless --reactivate-keys, as access
 * keys do. The deny comes off last, so a failure part-way leaves the user contained.
 */
export default defineRestore<unknown, Observed>({
  permissions: [
    'iam:GetUser',
    'iam:GetUserPolicy',
    'iam:DeleteUserPolicy',
    'iam:ListAttachedUserPolicies',
    'iam:DetachUserPolicy',
    'iam:GetLoginProfile',
    'iam:GetAccountPasswordPolicy',
    'iam:UpdateLoginProfile',
    'iam:ListSSHPublicKeys',
    'iam:UpdateSSHPublicKey',
    'iam:ListSigningCertificates',
    'iam:UpdateSigningCertificate',
    'iam:ListServiceSpecificCredentials',
    'iam:UpdateServiceSpecificCredential',
  ],

  async plan(ctx, { plan: { observed }, result }, options) {
    const users: UserUndo[] = [];
    const notes: string[] = [];
    const drift: string[] = [];
    const kept: string[] = [];
    for (const u of observed.users) {
      const planned = await planUser(ctx, u, appliedTo(u, observed.keepConsole, result?.data), options);
      users.push(planned.undo);
      notes.push(...planned.notes);
      drift.push(...planned.drift);
      kept.push(...planned.kept);
    }
    return {
      observed: { users },
      before: { users: observed.users },
      changes: users.flatMap(changesOf),
      drift,
      kept,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { users } = plan.observed as { users: UserUndo[] };
    const { iam } = ctx.aws;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const passwords: { user: string; file: string }[] = [];
    const done = (call: { requestId?: string }, change: Change) => {
      if (call.requestId) requestIds.push(call.requestId);
      changes.push(change);
    };
    try {
      for (const u of users) {
        for (const c of u.reactivate)
          done(await iam.updateCredentialStatus(c.kind, u.user, c.id, 'Active'), changeOf.reactivate(u, c));
        if (u.resetConsole) {
          await prepareSecretsDir(ctx.settings.evidenceDir);
          const password = randomConsolePassword(await iam.getAccountPasswordPolicy());
          const call = await iam.updateLoginProfile(u.user, password, true);
          // If the file cannot be written, nobody holds the new password: the console stays locked.
          const file = await writeSecretFile(
            ctx.settings.evidenceDir,
            `${u.user}-console-password.json`,
            secretContent(u.user, password.reveal(), ctx.incidentId),
          );
          passwords.push({ user: u.user, file });
          done(call, changeOf.console(u, file));
        }
        if (u.detachManaged)
          done(await iam.detachUserPolicy(u.user, u.detachManaged), changeOf.managed(u, u.detachManaged));
        if (u.deleteInline) done(await iam.deleteUserPolicy(u.user, u.policyName), changeOf.inline(u));
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds, data: { consolePasswords: passwords } }, { cause: err });
    }
    return { changes, requestIds, ...(passwords.length ? { data: { consolePasswords: passwords } } : {}) };
  },
});
