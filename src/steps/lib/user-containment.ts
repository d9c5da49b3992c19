import type { AttachedPolicy, LoginProfile, MfaDevice, UserCredential } from '../../aws/iam-users.js';
import { NotImplementedByEndpoint } from '../../aws/unavailable.js';
import type { Change, StepContext } from '../define.js';
import {
  containPolicyName,
  denyAllDocument,
  denyAllManagedArn,
  isDenyAll,
  policyChars,
  USER_INLINE_POLICY_CHARS,
} from './user-deny-policy.js';

/** What iam-contain-user observes of one user: the before-state a restore puts back. */
export interface ContainedUser {
  user: string;
  arn: string;
  /** From GetUser: the last console sign-in, evidence of console use. */
  passwordLastUsed?: string;
  policyName: string;
  /** How the deny goes on: inline; AWSDenyAll when the inline quota has no room; none when already there. */
  deny: 'inline' | 'managed' | 'already';
  /** The inline policies' size before, as IAM counts it against its 2,048-character quota. */
  inlineChars: number;
  inlinePolicies: string[];
  attachedPolicies: AttachedPolicy[];
  /** null: no console password. */
  loginProfile: LoginProfile | null;
  /** SSH public keys, signing certificates, service-specific credentials, as they were. */
  credentials: UserCredential[];
  /** false: the endpoint has no ListServiceSpecificCredentials (moto), so they were not checked. */
  serviceCredentialsChecked: boolean;
  mfaDevices: MfaDevice[];
}

export interface Observed {
  users: ContainedUser[];
  /** --keep-console: the console password is left as it is. */
  keepConsole: boolean;
}

const KIND_NAMES = {
  'ssh-public-key': 'SSH public key',
  'signing-certificate': 'signing certificate',
  'service-specific-credential': 'service-specific credential',
} as const;

export const credentialName = (c: UserCredential) =>
  `${KIND_NAMES[c.kind]} ${c.id}${c.service ? ` (${c.service}${c.serviceUserName ? `, ${c.serviceUserName}` : ''})` : ''}`;

/** What the observed state calls for, in the order apply does it: the deny first, it stops everything at once. */
export function workFor(u: ContainedUser, keepConsole: boolean) {
  return {
    deny: u.deny,
    lockConsole: u.loginProfile !== null && !keepConsole,
    deactivate: u.credentials.filter((c) => c.status === 'Active'),
  };
}

export function changesFor(u: ContainedUser, keepConsole: boolean, managedArn: string): Change[] {
  const work = workFor(u, keepConsole);
  const changes: Change[] = [];
  if (work.deny === 'inline')
    changes.push({
      action: 'put-user-policy',
      target: u.arn,
      detail: `${u.policyName}: deny every action to the user's keys, console session and session tokens`,
    });
  if (work.deny === 'managed')
    changes.push({
      action: 'attach-user-policy',
      target: u.arn,
      detail: `${managedArn}: deny every action (the user's inline policies hold ${u.inlineChars} of IAM's ${USER_INLINE_POLICY_CHARS} characters: no room for ${u.policyName})`,
    });
  if (work.lockConsole)
    changes.push({
      action: 'lock-console-password',
      target: u.arn,
      detail:
        'console password replaced by a random one nobody is told (the login profile is kept; AWS cannot give the old password back)',
    });
  for (const c of work.deactivate)
    changes.push({
      action: `deactivate-${c.kind}`,
      target: u.arn,
      detail: `${credentialName(c)}: Active -> Inactive (kept, not deleted)`,
    });
  return changes;
}

async function serviceCredentials(ctx: StepContext, name: string) {
  try {
    return { list: await ctx.aws.iam.listCredentials('service-specific-credential', name), checked: true };
  } catch (err) {
    if (err instanceof NotImplementedByEndpoint) return { list: [], checked: false };
    throw err;
  }
}

/** Reads one user's policies and credentials (read-only); undefined when the user does not exist. */
export async function observeUser(ctx: StepContext, name: string, incidentId: string) {
  const { iam } = ctx.aws;
  const user = await iam.getUser(name);
  if (!user) return undefined;
  const policyName = containPolicyName(incidentId);
  const inlinePolicies = await iam.listUserPolicyNames(name);
  let inlineChars = 0;
  let existing: string | undefined;
  for (const p of inlinePolicies) {
    const text = (await iam.getUserPolicy(name, p)) ?? '';
    inlineChars += policyChars(text);
    if (p === policyName) existing = text;
  }
  const attachedPolicies = await iam.listAttachedUserPolicies(name);
  const managedArn = denyAllManagedArn(ctx.caller.arn);
  const ours = policyChars(JSON.stringify(denyAllDocument()));
  const deny: ContainedUser['deny'] =
    (existing !== undefined && isDenyAll(existing)) || attachedPolicies.some((p) => p.arn === managedArn)
      ? 'already'
      : existing === undefined && inlineChars + ours > USER_INLINE_POLICY_CHARS
        ? 'managed'
        : 'inline';
  const loginProfile = (await iam.getLoginProfile(name)) ?? null;
  const service = await serviceCredentials(ctx, name);
  const credentials = [
    ...(await iam.listCredentials('ssh-public-key', name)),
    ...(await iam.listCredentials('signing-certificate', name)),
    ...service.list,
  ];
  return {
    user: name,
    arn: user.arn,
    ...(user.passwordLastUsed ? { passwordLastUsed: user.passwordLastUsed } : {}),
    policyName,
    deny,
    inlineChars,
    inlinePolicies,
    attachedPolicies,
    loginProfile,
    credentials,
    serviceCredentialsChecked: service.checked,
    mfaDevices: await iam.listMfaDevices(name),
  } satisfies ContainedUser;
}

/** What the operator should read about one user: what stays, and what could not be checked. */
export function notesFor(u: ContainedUser, keepConsole: boolean, managedArn: string): string[] {
  const notes: string[] = [];
  if (u.deny === 'already')
    notes.push(
      `user ${u.user} already has drp's deny-all (${u.policyName} or ${managedArn}): not added again`,
    );
  if (u.loginProfile && keepConsole)
    notes.push(
      `user ${u.user}: console password kept (--keep-console); the deny-all still refuses every action of a console session`,
    );
  if (u.passwordLastUsed) notes.push(`user ${u.user} last signed in to the console at ${u.passwordLastUsed}`);
  for (const d of u.mfaDevices)
    notes.push(`user ${u.user} has MFA device ${d.serialNumber}: left as it is (recorded in the journal)`);
  if (!u.serviceCredentialsChecked)
    notes.push(
      `user ${u.user}: service-specific credentials (CodeCommit, Keyspaces, Bedrock API keys) not checked: this endpoint has no IAM ListServiceSpecificCredentials`,
    );
  return notes;
}
