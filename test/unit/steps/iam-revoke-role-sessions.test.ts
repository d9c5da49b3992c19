import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/iam-revoke-role-sessions.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const ROLE_ARN = (name: string, path = '/') => `arn:aws:iam::123456789012:role${path}${name}`;
const missing = (message: string) =>
  new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message });

function role(name: string, path = '/') {
  iam.on(GetRoleCommand, { RoleName: name }).resolves({
    Role: { RoleName: name, Arn: ROLE_ARN(name, path), Path: path } as never,
  });
}

const NOW = '2026-11-25T03:00:00.000Z';
const consolePolicy = (time: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': time } },
    },
  ],
});

describe('iam-revoke-role-sessions', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(GetRoleCommand).rejects(missing('role cannot be found'));
    iam.on(GetRolePolicyCommand).rejects(missing('policy not attached'));
  });

  it('plans one inline policy per role, records that none existed, and sends no mutating command', async () => {
    role('media-pipeline', '/media/');
    role('uploader');
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { roles: ['media-pipeline', 'uploader'], allowSelf: false });
    expect(plan).toEqual({
      observed: {
        roles: [
          {
            role: 'media-pipeline',
            arn: ROLE_ARN('media-pipeline', '/media/'),
            policyName: 'drp-revoke-INC-TEST-1',
            existingPolicy: null,
          },
          {
            role: 'uploader',
            arn: ROLE_ARN('uploader'),
            policyName: 'drp-revoke-INC-TEST-1',
            existingPolicy: null,
          },
        ],
      },
      changes: [
        {
          action: 'put-role-policy',
          target: ROLE_ARN('media-pipeline', '/media/'),
          detail: 'drp-revoke-INC-TEST-1: deny every action to sessions issued before the time of apply',
        },
        {
          action: 'put-role-policy',
          target: ROLE_ARN('uploader'),
          detail: 'drp-revoke-INC-TEST-1: deny every action to sessions issued before the time of apply',
        },
      ],
    });
    expect(iam).toHaveReceivedCommandWith(GetRolePolicyCommand, {
      RoleName: 'media-pipeline',
      PolicyName: 'drp-revoke-INC-TEST-1',
    });
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 0);
  });

  it('applies the IAM console policy: deny * on * to sessions issued before now', async () => {
    role('uploader');
    iam.on(PutRolePolicyCommand).resolves({ $metadata: { requestId: 'R1' } });
    const params = { roles: ['uploader'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const applied = await step.apply(testContext().ctx, params, plan);
    const sent = iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input;
    expect(sent.RoleName).toBe('uploader');
    expect(sent.PolicyName).toBe('drp-revoke-INC-TEST-1');
    expect(JSON.parse(sent.PolicyDocument!)).toEqual(consolePolicy(NOW));
    expect(applied).toEqual({
      changes: [
        {
          action: 'put-role-policy',
          target: ROLE_ARN('uploader'),
          detail: `drp-revoke-INC-TEST-1: sessions issued before ${NOW} are denied`,
        },
      ],
      requestIds: ['R1'],
      data: { issuedBefore: NOW, roles: ['uploader'] },
    });
  });

  it('has nothing to do when its policy already exists in this incident, and keeps it as observed', async () => {
    role('uploader');
    const existing = JSON.stringify(consolePolicy('2026-11-25T02:00:00.000Z'));
    iam.on(GetRolePolicyCommand).resolves({ PolicyDocument: encodeURIComponent(existing) });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      roles: ['uploader'],
      allowSelf: false,
    });
    expect(plan.changes).toEqual([]);
    expect(plan.observed).toEqual({
      roles: [
        {
          role: 'uploader',
          arn: ROLE_ARN('uploader'),
          policyName: 'drp-revoke-INC-TEST-1',
          existingPolicy: existing,
        },
      ],
    });
    expect(plan.notes).toEqual([
      'role uploader already has drp-revoke-INC-TEST-1 (sessions issued before 2026-11-25T02:00:00.000Z are denied); not revoked again',
    ]);
  });

  it('does nothing for an empty roles list, calls no AWS, and says so', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { roles: [], allowSelf: false });
    expect(plan).toEqual({
      observed: { roles: [] },
      changes: [],
      notes: ['no roles given (param roles is empty): no session to revoke'],
    });
    expect(iam.calls()).toHaveLength(0);
  });

  it('reports a role that does not exist as a user error naming it', async () => {
    await expect(
      step.plan(testContext({ aws: testPorts(true) }).ctx, { roles: ['ghost'], allowSelf: false }),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: 'IAM role "ghost" not found in account 123456789012 (--role / param roles)',
    });
  });

  it("refuses the caller's own role, matched by ARN with its path, unless allowSelf", async () => {
    role('Responder', '/ops/');
    const { ctx } = testContext({
      aws: testPorts(true),
      caller: {
        arn: 'arn:aws:sts::123456789012:assumed-role/Responder/alice',
        accountId: '123456789012',
        principalArn: ROLE_ARN('Responder', '/ops/'),
        roleName: 'Responder',
      },
    });
    await expect(step.plan(ctx, { roles: ['Responder'], allowSelf: false })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(
        /refusing to revoke the sessions of role "Responder": it is the role drp runs as/,
      ),
    });
    const allowed = await step.plan(ctx, { roles: ['Responder'], allowSelf: true });
    expect(allowed.changes).toHaveLength(1);
  });

  it('refuses a role that is an exempt principal', async () => {
    role('Forensics');
    const { ctx } = testContext({
      aws: testPorts(true),
      exemptPrincipals: ['arn:aws:iam::123456789012:role/Responder', ROLE_ARN('Forensics')],
    });
    await expect(step.plan(ctx, { roles: ['Forensics'], allowSelf: false })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining(
        `it is an exempt principal (--exempt-principal ${ROLE_ARN('Forensics')})`,
      ),
    });
  });

  it('refuses a service-linked role, whose sessions AWS cannot revoke', async () => {
    role('AWSServiceRoleForSupport', '/aws-service-role/support.amazonaws.com/');
    await expect(
      step.plan(testContext({ aws: testPorts(true) }).ctx, {
        roles: ['AWSServiceRoleForSupport'],
        allowSelf: false,
      }),
    ).rejects.toMatchObject({ name: 'UserError', message: expect.stringContaining('service-linked role') });
  });

  it('a failure part-way is a StepFailure naming the roles already revoked', async () => {
    role('a');
    role('b');
    iam
      .on(PutRolePolicyCommand, { RoleName: 'a' })
      .resolves({ $metadata: { requestId: 'R1' } })
      .on(PutRolePolicyCommand, { RoleName: 'b' })
      .rejects(new Error('AccessDenied'));
    const params = { roles: ['a', 'b'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const failure = (await step
      .apply(testContext().ctx, params, plan)
      .catch((e: unknown) => e)) as StepFailure;
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure.partial.data).toEqual({ issuedBefore: NOW, roles: ['a'] });
    expect(failure.partial.changes).toHaveLength(1);
  });
});
