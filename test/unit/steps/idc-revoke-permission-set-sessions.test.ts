import {
  ConflictException,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import step from '../../../src/steps/idc-revoke-permission-set-sessions.js';
import { PROVISIONING_WAIT } from '../../../src/steps/lib/idc.js';
import { deniesRequest } from '../safety/deny-evaluator.js';
import { testContext, testPorts } from '../../support/step-context.js';

const sso = mockClient(SSOAdminClient);
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const EDITORS = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-editors000000000';
const ROLE = 'AWSReservedSSO_MediaEditors_0123456789abcdef';
const params = { roles: [ROLE, 'media-pipeline'], allowSelf: false };

PROVISIONING_WAIT.intervalMs = 0;

function instance() {
  sso
    .on(ListInstancesCommand)
    .resolves({ Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: 'd-1234567890' }] });
  sso.on(ListPermissionSetsProvisionedToAccountCommand).resolves({ PermissionSets: [EDITORS] });
  sso.on(DescribePermissionSetCommand).resolves({ PermissionSet: { Name: 'MediaEditors' } });
  sso.on(GetInlinePolicyForPermissionSetCommand).resolves({ InlinePolicy: '' });
  sso.on(PutInlinePolicyToPermissionSetCommand).resolves({});
  sso.on(ProvisionPermissionSetCommand).resolves({
    PermissionSetProvisioningStatus: { RequestId: 'prov-1', Status: 'SUCCEEDED' },
  });
}

describe('idc-revoke-permission-set-sessions', () => {
  beforeEach(() => sso.reset());

  it('leaves roles that are not Identity Center roles alone, and then calls nothing', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      roles: ['media-pipeline'],
      allowSelf: false,
    });
    expect(plan).toEqual({
      observed: { instanceArn: '', accountId: '123456789012', permissionSets: [] },
      changes: [],
    });
    expect(sso.calls()).toHaveLength(0);
  });

  it("finds an AWSReservedSSO_ role's permission set among those provisioned to the account, and plans the revoke there", async () => {
    instance();
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(sso).toHaveReceivedCommandWith(ListPermissionSetsProvisionedToAccountCommand, {
      InstanceArn: INSTANCE,
      AccountId: '123456789012',
    });
    expect(plan.changes).toEqual([
      {
        action: 'put-inline-policy',
        target: EDITORS,
        detail: `MediaEditors: deny every action to sessions issued before the time of apply (AWS clock), for role ${ROLE} in account 123456789012 and wherever the permission set is provisioned next`,
      },
      { action: 'provision-permission-set', target: EDITORS, detail: 'MediaEditors to account 123456789012' },
    ]);
    expect(sso).toHaveReceivedCommandTimes(PutInlinePolicyToPermissionSetCommand, 0);
  });

  it("denies sessions issued before AWS's time, retries a provisioning already running (ConflictException)", async () => {
    instance();
    sso
      .on(ProvisionPermissionSetCommand)
      .rejectsOnce(new ConflictException({ $metadata: { httpStatusCode: 409 }, message: 'in progress' }))
      .resolves({ PermissionSetProvisioningStatus: { RequestId: 'prov-2', Status: 'IN_PROGRESS' } });
    sso.on(DescribePermissionSetProvisioningStatusCommand).resolves({
      PermissionSetProvisioningStatus: { RequestId: 'prov-2', Status: 'SUCCEEDED' },
    });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const { ctx } = testContext();
    vi.spyOn(ctx.aws.ssoAdmin, 'serverClock').mockReturnValue({
      serverDate: new Date('2026-11-25T03:04:10.000Z'),
      localDate: new Date('2026-11-25T03:00:00.000Z'),
    });
    const applied = await step.apply(ctx, params, plan);
    const AWS_NOW = '2026-11-25T03:04:11.000Z';
    const sent = JSON.parse(
      sso.commandCalls(PutInlinePolicyToPermissionSetCommand)[0]!.args[0].input.InlinePolicy!,
    ) as {
      Statement: Parameters<typeof deniesRequest>[0][];
    };
    expect(sent.Statement).toEqual([
      {
        Sid: 'DrpRevokeINCTEST1',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': AWS_NOW } },
      },
    ]);
    expect(sso).toHaveReceivedCommandTimes(ProvisionPermissionSetCommand, 2);
    expect(applied.data).toEqual({
      issuedBefore: AWS_NOW,
      permissionSets: [EDITORS],
      before: { [EDITORS]: null },
    });
    expect(applied.notes).toEqual([
      "this machine's clock is 250 s behind AWS's (the Date of IAM Identity Center's response): drp used AWS's time; set this machine's clock right (NTP) before comparing its logs with CloudTrail's",
    ]);
    // Evaluated: a session from before the revocation is denied, one signed in after it is not.
    const role = `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/${ROLE}`;
    expect(
      deniesRequest(sent.Statement[0]!, { principalArn: role, tokenIssueTime: '2026-11-25T02:30:00Z' }),
    ).toBe(true);
    expect(
      deniesRequest(sent.Statement[0]!, { principalArn: role, tokenIssueTime: '2026-11-25T03:10:00Z' }),
    ).toBe(false);
  });

  it('notes a role whose permission set is not provisioned to the account', async () => {
    instance();
    sso.on(ListPermissionSetsProvisionedToAccountCommand).resolves({ PermissionSets: [] });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      `role ${ROLE}: no permission set named MediaEditors is provisioned to account 123456789012: its sessions are not revoked here`,
    ]);
  });

  it('refuses the permission set drp itself is signed in through, unless allowSelf', async () => {
    instance();
    const { ctx } = testContext({ aws: testPorts(true) });
    const onIt = { ...ctx, caller: { ...ctx.caller, roleName: ROLE } };
    await expect(step.plan(onIt, params)).rejects.toThrow(
      /refusing to revoke the sessions of role "AWSReservedSSO_MediaEditors_0123456789abcdef": drp runs on a session of it/,
    );
    await expect(step.plan(onIt, { ...params, allowSelf: true })).resolves.toBeDefined();
  });
});
