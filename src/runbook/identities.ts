import type { AwsSettings, CredentialProvider } from '../aws/config.js';
import { formatError, isUserError, UserError } from '../errors.js';
import {
  IDENTITIES,
  IDENTITY_INFO,
  roleSessionName,
  sourceIdentityOf,
  type Identity,
} from '../identities.js';
import type { Logger } from '../log.js';
import type { Caller } from '../steps/define.js';
import { resolveCaller } from './caller.js';

/** Which roles a run assumes, and how: the global flags and the config file, merged. */
export interface AccountOptions {
  /** A role ARN per identity; an identity without one uses the caller's own credentials. */
  roles: Partial<Record<Identity, string>>;
  externalId?: string;
  mfaSerial?: string;
  evidenceBucket?: string;
  evidenceRegion?: string;
  /**
   * Where a role came from when not from its flag, for messages: "targetRoleArn in drp.config.yaml",
   * "accounts.111111111111.roleArn in drp.config.yaml", "the journal".
   */
  origins?: Partial<Record<Identity, string>>;
}

/** One identity's credentials and who AWS says it is (its region comes later: the bucket's decides). */
export interface ResolvedIdentity {
  caller: Caller;
  roleArn?: string;
  /** Undefined: the caller's own credentials (the default chain, or the MFA session). */
  credentials?: CredentialProvider;
  /** The SourceIdentity the role session carries; undefined when none was set or the role refused it. */
  sourceIdentity?: string;
}

export interface IdentityInput {
  accounts: AccountOptions;
  /** Who the run is for (the journal's operator): the SourceIdentity of every role session. */
  operator: string;
  incidentId: string;
  /** The identities the runbook's steps act through: only their roles are assumed. */
  used: ReadonlySet<Identity>;
  /** Asks the operator for the MFA code; undefined when there is no terminal to ask on. */
  askMfaCode?: (serial: string) => Promise<string>;
  log: Logger;
}

type StsModule = typeof import('../aws/sts.js');
type CredentialsModule = typeof import('../aws/credentials.js');

async function iamOf(settings: AwsSettings) {
  const m = await import('../aws/iam.js');
  return m.createIamPort(m.createIamClient(settings, true));
}

function baseCredentials(aws: AwsSettings, input: IdentityInput, creds: CredentialsModule): AwsSettings {
  const serial = input.accounts.mfaSerial;
  if (!serial) return aws;
  const ask = input.askMfaCode;
  if (!ask)
    throw new UserError(
      `--mfa-serial ${serial}: drp asks for the MFA code on a terminal, and stdin is not one; run it on a terminal, or without --mfa-serial`,
    );
  return { ...aws, credentials: creds.mfaSessionCredentials(aws, serial, () => ask(serial)) };
}

async function whoIsCaller(sts: StsModule, base: AwsSettings, input: IdentityInput): Promise<Caller> {
  try {
    const identity = await sts.createStsPort(base).getCallerIdentity();
    return await resolveCaller(identity, () => iamOf(base), input.log);
  } catch (err) {
    if (input.accounts.mfaSerial && !isUserError(err))
      throw new UserError(
        `--mfa-serial ${input.accounts.mfaSerial}: STS refused the MFA session: ${formatError(err)}`,
        [
          'GetSessionToken needs the long-term credentials of the IAM user the device belongs to, and a current code.',
          'Temporary credentials (a role, an SSO session) carry their own sign-in MFA: omit --mfa-serial with them.',
        ],
      );
    throw err;
  }
}

/**
 * Assumes each role the runbook needs, once per distinct role, and asks STS who each identity is.
 * A role that cannot be assumed is the operator's to fix before anything changes: exit 2, naming
 * the role, the flag (or config key) that gave it, and STS's error.
 */
export async function resolveIdentities(
  aws: AwsSettings,
  input: IdentityInput,
): Promise<{ source: Caller; identities: Record<Identity, ResolvedIdentity>; notes: string[] }> {
  const [sts, creds] = await Promise.all([import('../aws/sts.js'), import('../aws/credentials.js')]);
  const base = baseCredentials(aws, input, creds);
  const source = await whoIsCaller(sts, base, input);
  const notes: string[] = [];
  const sourceIdentity = sourceIdentityOf(input.operator);
  const byRole = new Map<string, Promise<ResolvedIdentity>>();

  const assume = async (identity: Identity, roleArn: string): Promise<ResolvedIdentity> => {
    let refused = false;
    const credentials = creds.assumeRoleCredentials(
      base,
      {
        roleArn,
        sessionName: roleSessionName(input.incidentId),
        ...(input.accounts.externalId ? { externalId: input.accounts.externalId } : {}),
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
      (err) => {
        refused = true;
        notes.push(
          `role ${roleArn} does not allow sts:SetSourceIdentity: its sessions do not carry the operator (${sourceIdentity}); CloudTrail still shows the session name ${roleSessionName(input.incidentId)} (${err.message})`,
        );
      },
    );
    const settings = { ...aws, credentials };
    let caller: Caller;
    try {
      caller = await resolveCaller(
        await sts.createStsPort(settings).getCallerIdentity(),
        () => iamOf(settings),
        input.log,
      );
    } catch (err) {
      const origin = input.accounts.origins?.[identity];
      throw new UserError(
        `${IDENTITY_INFO[identity].flag} ${roleArn}${origin ? ` (${origin})` : ''}: drp cannot assume this role: STS.AssumeRole: ${formatError(err)}`,
        [
          `The role's trust policy must allow sts:AssumeRole (and sts:SetSourceIdentity) to ${source.principalArn}${input.accounts.externalId ? ', with this external id' : ''}: drp permissions RUNBOOK prints it.`,
          'Nothing was changed.',
        ],
      );
    }
    return {
      caller,
      roleArn,
      credentials,
      ...(sourceIdentity && !refused ? { sourceIdentity } : {}),
    };
  };

  const identities = {} as Record<Identity, ResolvedIdentity>;
  for (const identity of IDENTITIES) {
    const roleArn = input.accounts.roles[identity];
    if (!roleArn || !input.used.has(identity)) {
      identities[identity] = {
        caller: source,
        ...(base.credentials ? { credentials: base.credentials } : {}),
      };
      continue;
    }
    let pending = byRole.get(roleArn);
    if (!pending) byRole.set(roleArn, (pending = assume(identity, roleArn)));
    identities[identity] = await pending;
  }
  for (const note of notes) input.log.warn(note);
  return { source, identities, notes };
}
