import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { Identity } from '../../../src/identities.js';
import { accountsFromJournal, checkSameAccounts } from '../../../src/runbook/journal-identities.js';
import type { ActingIdentity } from '../../../src/steps/define.js';

const TARGET = 'arn:aws:iam::111111111111:role/drp-target';
const ORG = 'arn:aws:iam::222222222222:role/drp-org';
const recorded = {
  target: { roleArn: TARGET, arn: 'a', accountId: '111111111111', principalArn: TARGET, region: 'eu-west-1' },
  org: { roleArn: ORG, arn: 'o', accountId: '222222222222', principalArn: ORG, region: 'us-east-1' },
};
const used = new Set<Identity>(['target', 'org']);
const acting = (accountId: string, roleArn?: string): ActingIdentity => ({
  arn: 'x',
  accountId,
  principalArn: roleArn ?? 'x',
  region: 'eu-west-1',
  ...(roleArn ? { roleArn } : {}),
});

describe('a resume or restore acts as the run did', () => {
  it('takes each role from the journal when no flag or config gives it', () => {
    const accounts = accountsFromJournal(recorded, { roles: {} }, used, 'evidence/INC-1/journal.jsonl');
    expect(accounts.roles).toEqual({ target: TARGET, org: ORG });
    expect(accounts.origins).toEqual({
      target: 'recorded in evidence/INC-1/journal.jsonl',
      org: 'recorded in evidence/INC-1/journal.jsonl',
    });
  });

  it('accepts the same roles given again, and refuses another: exit 2 naming the flag and the role the run used', () => {
    expect(accountsFromJournal(recorded, { roles: { org: ORG } }, used, 'j').roles.org).toBe(ORG);
    const other = 'arn:aws:iam::222222222222:role/someone-else';
    const error = (() => {
      try {
        return accountsFromJournal(
          recorded,
          { roles: { org: other }, origins: { org: 'orgRoleArn in drp.config.yaml' } },
          used,
          'j',
        );
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `orgRoleArn in drp.config.yaml ${other}: the run in j acted as org through role ${ORG}; a resume or restore acts as the run did: pass --org-role-arn ${ORG}, or omit it`,
    );
  });

  it('a journal from before identities were recorded acted as the caller: a role given now is refused', () => {
    expect(() => accountsFromJournal(undefined, { roles: { target: TARGET } }, used, 'j')).toThrow(
      /--target-role-arn .*acted as target through the caller's own credentials \(no role\).*omit --target-role-arn/,
    );
  });

  it('refuses an identity now in another account than the one the run acted in', () => {
    const identities = { target: acting('111111111111', TARGET), org: acting('333333333333', ORG) } as Record<
      Identity,
      ActingIdentity
    >;
    expect(() => checkSameAccounts(recorded, '111111111111', identities, used)).toThrow(
      `the journal's run acted as org in account 222222222222; these credentials (role ${ORG}) are for 333333333333`,
    );
  });
});
