import type { Identity } from '../identities.js';
import { partitionOf } from '../names.js';
import type { AccountOptions } from '../runbook/identities.js';

/** Shown where a value is the organization's own: the account ids and role names to fill in. */
const PLACEHOLDER: Record<Identity, { account: string; role: string }> = {
  target: { account: 'WORKLOAD_ACCOUNT_ID', role: 'drp-target' },
  org: { account: 'MANAGEMENT_ACCOUNT_ID', role: 'drp-org' },
  logs: { account: 'LOG_ARCHIVE_ACCOUNT_ID', role: 'drp-logs' },
  evidence: { account: 'FORENSICS_ACCOUNT_ID', role: 'drp-evidence' },
};

const partitionIn = (accounts: AccountOptions | undefined) => {
  const any = Object.values(accounts?.roles ?? {})[0] ?? accounts?.mfaSerial;
  return any?.startsWith('arn:') ? partitionOf(any) : 'aws';
};

/** Each identity's role: the one the flags or the config file name, else a placeholder to fill in. */
export function roleArnsOf(used: Identity[], accounts?: AccountOptions): Partial<Record<Identity, string>> {
  const partition = partitionIn(accounts);
  return Object.fromEntries(
    used.map((i) => [
      i,
      accounts?.roles[i] ?? `arn:${partition}:iam::${PLACEHOLDER[i].account}:role/${PLACEHOLDER[i].role}`,
    ]),
  );
}

/**
 * The trust policy of each role: the responder's account may assume it, and set the SourceIdentity
 * drp sends (IAM needs sts:SetSourceIdentity in the trust policy for that). With --external-id the
 * role demands it; with --mfa-serial, an MFA-authenticated caller (drp's MFA session). The
 * responder's account is that of the MFA device when one is named, else a placeholder.
 */
export function trustPolicy(accounts?: AccountOptions) {
  const partition = partitionIn(accounts);
  const mfaAccount = accounts?.mfaSerial?.startsWith('arn:') ? accounts.mfaSerial.split(':')[4] : undefined;
  const condition = {
    ...(accounts?.externalId ? { StringEquals: { 'sts:ExternalId': accounts.externalId } } : {}),
    ...(accounts?.mfaSerial ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : {}),
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DrpResponderAssumesThisRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${mfaAccount ?? 'RESPONDER_ACCOUNT_ID'}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
      },
    ],
  };
}

/** What the principal drp runs as needs to assume the roles (with their SourceIdentity). */
export function callerPolicy(roleArns: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DrpAssumeRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Resource: roleArns,
      },
    ],
  };
}
