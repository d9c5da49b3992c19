import { UserError } from '../errors.js';
import { IDENTITIES, IDENTITY_INFO, type Identity } from '../identities.js';
import type { ActingIdentity } from '../steps/define.js';
import type { AccountOptions } from './identities.js';

/** What a genesis records of one identity: enough to act as it again, and to check it is the same. */
export interface RecordedIdentity {
  roleArn?: string;
  arn: string;
  accountId: string;
  principalArn: string;
  region: string;
  sourceIdentity?: string;
}

export type RecordedIdentities = Partial<Record<Identity, RecordedIdentity>>;

/** The genesis's `identities`: each identity the run acted through. */
export function recordIdentities(
  identities: Record<Identity, ActingIdentity & { sourceIdentity?: string }>,
  used: ReadonlySet<Identity>,
): RecordedIdentities {
  const recorded: RecordedIdentities = {};
  for (const identity of IDENTITIES) {
    if (!used.has(identity)) continue;
    const i = identities[identity];
    recorded[identity] = {
      ...(i.roleArn ? { roleArn: i.roleArn } : {}),
      arn: i.arn,
      accountId: i.accountId,
      principalArn: i.principalArn,
      region: i.region,
      ...(i.sourceIdentity ? { sourceIdentity: i.sourceIdentity } : {}),
    };
  }
  return recorded;
}

/**
 * A resume or restore acts as the run did: each identity's role is the one the journal records.
 * A role the flags or the config file give must be that one (exit 2 naming it otherwise); one they
 * do not give is taken from the journal. Journals from before identities were recorded had one
 * identity, the caller's own credentials: any role given then is a mismatch.
 */
export function accountsFromJournal(
  recorded: RecordedIdentities | undefined,
  given: AccountOptions,
  used: ReadonlySet<Identity>,
  journalPath: string,
): AccountOptions {
  const roles: Partial<Record<Identity, string>> = {};
  const origins: Partial<Record<Identity, string>> = { ...given.origins };
  for (const identity of used) {
    const journal = recorded?.[identity]?.roleArn;
    const flag = given.roles[identity];
    const origin = given.origins?.[identity] ?? IDENTITY_INFO[identity].flag;
    if (flag && flag !== journal)
      throw new UserError(
        `${origin} ${flag}: the run in ${journalPath} acted as ${identity} through ${journal ? `role ${journal}` : "the caller's own credentials (no role)"}; a resume or restore acts as the run did: ${journal ? `pass ${IDENTITY_INFO[identity].flag} ${journal}, or omit it` : `omit ${IDENTITY_INFO[identity].flag}`}`,
      );
    if (journal) {
      roles[identity] = journal;
      if (!flag) origins[identity] = `recorded in ${journalPath}`;
    }
  }
  return { ...given, roles, origins };
}

/**
 * After the roles are assumed: each identity must be in the account the run acted in (the
 * caller's own credentials may now be another account's). Exit 2 naming the identity otherwise.
 */
export function checkSameAccounts(
  recorded: RecordedIdentities | undefined,
  fallbackAccountId: string,
  identities: Record<Identity, ActingIdentity>,
  used: ReadonlySet<Identity>,
): void {
  for (const identity of used) {
    const expected = recorded?.[identity]?.accountId ?? fallbackAccountId;
    const actual = identities[identity].accountId;
    if (expected !== actual)
      throw new UserError(
        `the journal's run acted as ${identity} in account ${expected}; these credentials${identities[identity].roleArn ? ` (role ${identities[identity].roleArn})` : ''} are for ${actual}`,
      );
  }
}
