import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { AssumeRoleCommand } from '@aws-sdk/nested-clients/sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { Identity } from '../../../src/identities.js';
import { silentLogger } from '../../../src/log.js';
import { resolveIdentities, type AccountOptions } from '../../../src/runbook/identities.js';
import { callerCredentials, mockRoles } from '../../support/roles.js';

const TARGET = 'arn:aws:iam::111111111111:role/drp-target';
const ORG = 'arn:aws:iam::222222222222:role/ir/drp-org';
const aws = { region: 'us-east-1', credentials: callerCredentials };

const resolve = (accounts: AccountOptions, used: Identity[] = ['target', 'org'], extra = {}) =>
  resolveIdentities(aws, {
    accounts,
    operator: 'alice@example.com',
    incidentId: 'INC-1',
    used: new Set(used),
    log: silentLogger,
    ...extra,
  });

describe('resolveIdentities', () => {
  let mocks: ReturnType<typeof mockRoles>;
  beforeEach(() => {
    mocks = mockRoles();
  });

  it('assumes each role the run uses once, as drp-<incident> with the operator as SourceIdentity, and learns who each is', async () => {
    const { identities, source } = await resolve({
      roles: { target: TARGET, org: ORG, logs: TARGET, evidence: 'arn:aws:iam::444444444444:role/unused' },
      externalId: 'ir-ext-1',
    });
    expect(mocks.assume).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(mocks.assume).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: TARGET,
      RoleSessionName: 'drp-INC-1',
      SourceIdentity: 'alice@example.com',
      ExternalId: 'ir-ext-1',
    });
    expect(source.principalArn).toBe('arn:aws:iam::999999999999:user/alice');
    expect(identities.target.caller).toMatchObject({ accountId: '111111111111', principalArn: TARGET });
    // The org role has a path: every deny exempts it with it (aws:PrincipalArn carries it).
    expect(identities.org.caller).toMatchObject({ accountId: '222222222222', principalArn: ORG });
    expect(identities.org).toMatchObject({ roleArn: ORG, sourceIdentity: 'alice@example.com' });
    // logs is not used by these steps, evidence's role is never assumed: both are the caller.
    expect(identities.logs.caller).toBe(source);
    expect(identities.evidence.roleArn).toBeUndefined();
  });

  it('assumes the role again without SourceIdentity when its trust policy refuses sts:SetSourceIdentity, and says so', async () => {
    mocks.assume
      .on(AssumeRoleCommand, { RoleArn: TARGET, SourceIdentity: 'alice@example.com' })
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:iam::999999999999:user/alice is not authorized to perform: sts:SetSourceIdentity on resource: ${TARGET}`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );
    const { identities, notes } = await resolve({ roles: { target: TARGET } }, ['target']);
    expect(mocks.assume).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(mocks.assume.commandCalls(AssumeRoleCommand)[1]!.args[0].input.SourceIdentity).toBeUndefined();
    expect(identities.target.sourceIdentity).toBeUndefined();
    expect(identities.target.caller.accountId).toBe('111111111111');
    expect(notes).toEqual([expect.stringMatching(/^role .*drp-target does not allow sts:SetSourceIdentity/)]);
  });

  it('a role that cannot be assumed is exit 2 naming the flag, where it came from, and STS error; no other role is tried', async () => {
    mocks.assume
      .on(AssumeRoleCommand, { RoleArn: TARGET })
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:iam::999999999999:user/alice is not authorized to perform: sts:AssumeRole on resource: ${TARGET}`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );
    const error = await resolve({
      roles: { target: TARGET, org: ORG },
      origins: { target: 'targetRoleArn in drp.config.yaml' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `--target-role-arn ${TARGET} (targetRoleArn in drp.config.yaml): drp cannot assume this role: STS.AssumeRole: AccessDenied: User: arn:aws:iam::999999999999:user/alice is not authorized to perform: sts:AssumeRole on resource: ${TARGET}`,
    );
    expect((error as UserError).details).toContain('Nothing was changed.');
    expect(mocks.assume.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      TARGET,
    ]);
  });

  it('with --mfa-serial, asks the code once and assumes every role with one MFA session', async () => {
    const asked: string[] = [];
    const askMfaCode = async (serial: string) => (asked.push(serial), '123456');
    const serial = 'arn:aws:iam::999999999999:mfa/alice';
    await resolve({ roles: { target: TARGET, org: ORG }, mfaSerial: serial }, ['target', 'org'], {
      askMfaCode,
    });
    expect(asked).toEqual([serial]);
    expect(mocks.sts).toHaveReceivedCommandTimes(GetSessionTokenCommand, 1);
    expect(mocks.sts).toHaveReceivedCommandWith(GetSessionTokenCommand, {
      SerialNumber: serial,
      TokenCode: '123456',
      DurationSeconds: 43_200,
    });
    expect(mocks.assume).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('with --mfa-serial and no terminal to ask on, refuses before any call: exit 2', async () => {
    const error = await resolve({ roles: { target: TARGET }, mfaSerial: 'GAHT12345678' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^--mfa-serial GAHT12345678: drp asks for the MFA code on a terminal/,
    );
    expect(mocks.sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 0);
  });

  it('with --mfa-serial on temporary credentials, names the flag and what STS said', async () => {
    mocks.sts.on(GetSessionTokenCommand).rejects(
      Object.assign(new Error('Cannot call GetSessionToken with session credentials'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const error = await resolve({ roles: {}, mfaSerial: 'GAHT12345678' }, ['target'], {
      askMfaCode: async () => '123456',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^--mfa-serial GAHT12345678: STS refused the MFA session: .*Cannot call GetSessionToken with session credentials/,
    );
  });
});
