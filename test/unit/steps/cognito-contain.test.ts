import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import step from '../../../src/steps/cognito-contain.js';
import { StepFailure } from '../../../src/steps/define.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const idp = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_AbC123xyZ';
const meta = { $metadata: { httpStatusCode: 400 } };

function user(given: string, username: string, enabled: boolean) {
  idp
    .on(AdminGetUserCommand, { UserPoolId: POOL, Username: given })
    .resolves({ Username: username, Enabled: enabled });
}

describe('cognito-contain', () => {
  beforeEach(() => {
    idp.reset();
    idp.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL } });
    idp
      .on(AdminGetUserCommand)
      .rejects(new UserNotFoundException({ message: 'User does not exist.', ...meta }));
    idp
      .on(ListUserPoolClientsCommand)
      .resolves({ UserPoolClients: [{ ClientId: 'web' }, { ClientId: 'mobile' }] });
    idp.on(DescribeUserPoolClientCommand, { ClientId: 'web' }).resolves({
      UserPoolClient: {
        ClientId: 'web',
        ClientSecret: 'never-read',
        AccessTokenValidity: 30,
        IdTokenValidity: 2,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'hours' },
      },
    });
    // No validity set: Cognito's default of one hour.
    idp
      .on(DescribeUserPoolClientCommand, { ClientId: 'mobile' })
      .resolves({ UserPoolClient: { ClientId: 'mobile' } });
    idp.on(AdminUserGlobalSignOutCommand).resolves({ $metadata: { requestId: 'R-OUT' } });
    idp.on(AdminDisableUserCommand).resolves({ $metadata: { requestId: 'R-OFF' } });
    idp.on(AdminEnableUserCommand).resolves({ $metadata: { requestId: 'R-ON' } });
  });

  it('plans sign-out and disable from what each user is, and states which tokens stay valid and how long', async () => {
    user('mallory@example.com', 'a1b2-sub', true);
    user('trent', 'trent', false);
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      userPool: POOL,
      users: ['mallory@example.com', 'trent'],
    });
    expect(plan.observed).toEqual({
      userPool: POOL,
      users: [
        { given: 'mallory@example.com', username: 'a1b2-sub', enabled: true },
        { given: 'trent', username: 'trent', enabled: false },
      ],
    });
    expect(plan.changes.map((c) => `${c.action} ${c.target}`)).toEqual([
      `global-sign-out cognito-idp:${POOL}/a1b2-sub`,
      `disable-user cognito-idp:${POOL}/a1b2-sub`,
      `global-sign-out cognito-idp:${POOL}/trent`,
    ]);
    expect(plan.notes![0]).toMatch(/sign-out revokes the users' refresh tokens/);
    expect(plan.notes![0]).toMatch(
      /accepts the access and ID tokens already issued until they expire: up to 1 h for access tokens and 2 h for ID tokens after issue \(the longest of the pool's 2 app client\(s\); Cognito allows 5 min to 24 h\)/,
    );
    expect(plan.notes![0]).not.toContain('never-read');
    expect(plan.notes![1]).toBe(
      'user trent is already disabled: signed out only, and a restore leaves it disabled',
    );
    expect(idp).toHaveReceivedCommandTimes(AdminUserGlobalSignOutCommand, 0);
    expect(idp).toHaveReceivedCommandTimes(AdminDisableUserCommand, 0);
  });

  it('signs each user out, then disables only those that were enabled, by their stored username', async () => {
    user('mallory@example.com', 'a1b2-sub', true);
    user('trent', 'trent', false);
    const p = { userPool: POOL, users: ['mallory@example.com', 'trent'] };
    const { ctx } = testContext();
    const applied = await step.apply(ctx, p, await step.plan(ctx, p));
    expect(idp).toHaveReceivedCommandTimes(AdminUserGlobalSignOutCommand, 2);
    expect(idp).toHaveReceivedNthCommandWith(AdminUserGlobalSignOutCommand, 1, {
      UserPoolId: POOL,
      Username: 'a1b2-sub',
    });
    expect(idp).toHaveReceivedCommandTimes(AdminDisableUserCommand, 1);
    expect(idp).toHaveReceivedCommandWith(AdminDisableUserCommand, {
      UserPoolId: POOL,
      Username: 'a1b2-sub',
    });
    expect(applied).toMatchObject({
      requestIds: ['R-OUT', 'R-OFF', 'R-OUT'],
      data: { userPool: POOL, disabled: ['a1b2-sub'] },
    });
  });

  it('a user or a pool that does not exist is a user error naming the flag, before any change', async () => {
    user('mallory', 'mallory', true);
    const ctx = testContext({ aws: testPorts(true) }).ctx;
    await expect(step.plan(ctx, { userPool: POOL, users: ['mallory', 'ghost'] })).rejects.toThrow(
      new UserError(`Cognito user "ghost" not found in user pool ${POOL} (--cognito-user / param users)`),
    );
    idp
      .on(DescribeUserPoolCommand)
      .rejects(new ResourceNotFoundException({ message: 'User pool does not exist.', ...meta }));
    await expect(step.plan(ctx, { userPool: POOL, users: ['mallory'] })).rejects.toThrow(
      `Cognito user pool "${POOL}" not found in us-east-1 (--user-pool / param userPool)`,
    );
    await expect(step.plan(ctx, { userPool: '', users: ['mallory'] })).rejects.toThrow(
      /--cognito-user needs --user-pool ID/,
    );
  });

  it('a refused call part-way (AWS: NotAuthorizedException) fails the step with the users it did contain', async () => {
    user('a', 'a', true);
    user('b', 'b', true);
    idp.on(AdminDisableUserCommand, { Username: 'b' }).rejects(
      new NotAuthorizedException({
        message: 'User is not authorized to perform: cognito-idp:AdminDisableUser',
        ...meta,
      }),
    );
    const p = { userPool: POOL, users: ['a', 'b'] };
    const { ctx } = testContext();
    const failure = await step.apply(ctx, p, await step.plan(ctx, p)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).partial).toMatchObject({
      changes: [
        { action: 'global-sign-out', target: `cognito-idp:${POOL}/a` },
        { action: 'disable-user', target: `cognito-idp:${POOL}/a` },
        { action: 'global-sign-out', target: `cognito-idp:${POOL}/b` },
      ],
      data: { disabled: ['a'] },
    });
  });
});

describe('cognito-contain restore', () => {
  beforeEach(() => {
    idp.reset();
    idp.on(AdminEnableUserCommand).resolves({ $metadata: { requestId: 'R-ON' } });
  });

  const recorded = recordedOf(
    { userPool: POOL, users: ['mallory', 'trent', 'gone'] },
    {
      userPool: POOL,
      users: [
        { given: 'mallory', username: 'mallory', enabled: true },
        { given: 'trent', username: 'trent', enabled: false },
        { given: 'gone', username: 'gone', enabled: true },
      ],
    },
    { data: { userPool: POOL, disabled: ['mallory', 'gone'] } },
  );

  it('enables only the users drp disabled, and says the sign-out stays and the already-disabled user stays disabled', async () => {
    user('mallory', 'mallory', false);
    idp
      .on(AdminGetUserCommand, { Username: 'gone' })
      .rejects(new UserNotFoundException({ message: 'User does not exist.', ...meta }));
    const p = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([
      {
        action: 'enable-user',
        target: `cognito-idp:${POOL}/mallory`,
        detail: 'drp disabled it; it was enabled before the run',
      },
    ]);
    expect(p.kept).toEqual([
      'the sign-out of each user cannot be undone: their refresh tokens stay revoked, and they sign in again',
      'user trent was disabled before the run: it stays disabled',
    ]);
    expect(p.notes).toEqual([`user gone no longer exists in ${POOL}: nothing to enable`]);
    expect(idp).toHaveReceivedCommandTimes(AdminEnableUserCommand, 0);
    await step.restore!.apply(testContext().ctx, recorded, p);
    expect(idp).toHaveReceivedCommandTimes(AdminEnableUserCommand, 1);
    expect(idp).toHaveReceivedCommandWith(AdminEnableUserCommand, { UserPoolId: POOL, Username: 'mallory' });
  });
});
