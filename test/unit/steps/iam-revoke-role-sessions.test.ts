import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UnmodifiableEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
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

  it("applies the IAM console policy at AWS's time: deny * on * to sessions issued before AWS's now", async () => {
    role('uploader');
    iam.on(PutRolePolicyCommand).resolves({ $metadata: { requestId: 'R1' } });
    const params = { roles: ['uploader'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const { ctx } = testContext();
    // IAM's answer said 02:59:58 and arrived with this machine's clock at 02:59:59.2 (NOW is 03:00:00).
    vi.spyOn(ctx.aws.iam, 'serverClock').mockReturnValue({
      serverDate: new Date('2026-11-25T02:59:58.000Z'),
      localDate: new Date('2026-11-25T02:59:59.200Z'),
    });
    const applied = await step.apply(ctx, params, plan);
    // AWS's Date, plus the 0.8 s since it arrived, plus 1 s for the header's whole seconds.
    const AWS_NOW = '2026-11-25T02:59:59.800Z';
    expect(iam).toHaveReceivedCommandWith(GetRoleCommand, { RoleName: 'uploader' });
    const sent = iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input;
    expect(sent.RoleName).toBe('uploader');
    expect(sent.PolicyName).toBe('drp-revoke-INC-TEST-1');
    expect(JSON.parse(sent.PolicyDocument!)).toEqual(consolePolicy(AWS_NOW));
    expect(applied).toEqual({
      changes: [
        {
          action: 'put-role-policy',
          target: ROLE_ARN('uploader'),
          detail: `drp-revoke-INC-TEST-1: sessions issued before ${AWS_NOW} are denied`,
        },
      ],
      requestIds: ['R1'],
      data: { issuedBefore: AWS_NOW, roles: ['uploader'] },
    });
  });

  it("uses AWS's time when this machine's clock is off, and reports the skew", async () => {
    role('uploader');
    iam.on(PutRolePolicyCommand).resolves({});
    const params = { roles: ['uploader'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    // This machine says 03:00:00; AWS said 02:55:00 (five minutes behind it).
    const { ctx } = testContext();
    vi.spyOn(ctx.aws.iam, 'serverClock').mockReturnValue({
      serverDate: new Date('2026-11-25T02:55:00.000Z'),
      localDate: new Date(NOW),
    });
    const applied = await step.apply(ctx, params, plan);
    const sent = JSON.parse(iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input.PolicyDocument!);
    expect(sent).toEqual(consolePolicy('2026-11-25T02:55:01.000Z'));
    expect(applied.notes).toEqual([
      "this machine's clock is 300 s ahead of AWS's (the Date of IAM's response): drp used AWS's time; set this machine's clock right (NTP) before comparing its logs with CloudTrail's",
    ]);
  });

  it("says so when no Date came from AWS, and then uses this machine's clock", async () => {
    role('uploader');
    iam.on(PutRolePolicyCommand).resolves({});
    const params = { roles: ['uploader'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const applied = await step.apply(testContext().ctx, params, plan);
    expect(applied.data).toEqual({ issuedBefore: NOW, roles: ['uploader'] });
    expect(applied.notes).toEqual([
      "no Date came from IAM's answer: the revocation time is this machine's clock",
    ]);
  });

  it('leaves an IAM Identity Center role to its permission set: IAM refuses PutRolePolicy there (UnmodifiableEntity)', async () => {
    const sso = 'AWSReservedSSO_MediaEditors_0123456789abcdef';
    role(sso, '/aws-reserved/sso.amazonaws.com/eu-west-1/');
    role('uploader');
    // What IAM answers when asked anyway, which halted the run before.
    iam.on(PutRolePolicyCommand, { RoleName: sso }).rejects(
      new UnmodifiableEntityException({
        $metadata: { httpStatusCode: 400 },
        message: `Cannot perform the operation on the protected role '${sso}' - this role is only modifiable by AWS`,
      }),
    );
    iam.on(PutRolePolicyCommand, { RoleName: 'uploader' }).resolves({});
    const params = { roles: [sso, 'uploader'], allowSelf: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.changes.map((c) => c.target)).toEqual([ROLE_ARN('uploader')]);
    expect(plan.notes).toEqual([
      `role ${sso} is an IAM Identity Center role: IAM refuses to change it (UnmodifiableEntity), so its sessions are revoked through its permission set (step idc-revoke-permission-set-sessions, with the organization's credentials)`,
    ]);
    await step.apply(testContext().ctx, params, plan);
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(PutRolePolicyCommand, { RoleName: 'uploader' });
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
