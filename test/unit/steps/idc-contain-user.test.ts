import {
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsForMemberCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-identitystore';
import {
  AccessDeniedException,
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListInstancesCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PROVISIONING_WAIT } from '../../../src/steps/lib/idc.js';
import step from '../../../src/steps/idc-contain-user.js';
import { deniesRequest } from '../safety/deny-evaluator.js';
import { recordedOf, DEFAULTS } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const sso = mockClient(SSOAdminClient);
const ids = mockClient(IdentitystoreClient);
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const PS = (n: string) => `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${n.padEnd(16, '0')}`;
const ALICE_ID = '906753c2f1-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const BOB_ID = '906753c2f1-99999999-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const params = { users: ['alice@example.com'] };

PROVISIONING_WAIT.intervalMs = 0;

function directory(inline: Record<string, string> = {}) {
  sso.on(ListInstancesCommand).resolves({
    Instances: [{ InstanceArn: INSTANCE, IdentityStoreId: 'd-1234567890', OwnerAccountId: '111111111111' }],
  });
  ids
    .on(GetUserIdCommand)
    .rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'not found' }));
  ids
    .on(GetUserIdCommand, {
      AlternateIdentifier: {
        UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice@example.com' },
      },
    })
    .resolves({ UserId: ALICE_ID, IdentityStoreId: 'd-1234567890' });
  ids
    .on(ListGroupMembershipsForMemberCommand)
    .resolves({ GroupMemberships: [{ GroupId: 'g-editors', IdentityStoreId: 'd-1234567890' }] });
  // Alice holds MediaAdmin herself, and MediaEditors through her group.
  sso.on(ListAccountAssignmentsForPrincipalCommand, { PrincipalType: 'USER' }).resolves({
    AccountAssignments: [
      {
        AccountId: '123456789012',
        PermissionSetArn: PS('admin'),
        PrincipalId: ALICE_ID,
        PrincipalType: 'USER',
      },
    ],
  });
  sso.on(ListAccountAssignmentsForPrincipalCommand, { PrincipalType: 'GROUP' }).resolves({
    AccountAssignments: [
      {
        AccountId: '123456789012',
        PermissionSetArn: PS('editors'),
        PrincipalId: 'g-editors',
        PrincipalType: 'GROUP',
      },
    ],
  });
  sso
    .on(DescribePermissionSetCommand, { PermissionSetArn: PS('admin') })
    .resolves({ PermissionSet: { Name: 'MediaAdmin' } });
  sso
    .on(DescribePermissionSetCommand, { PermissionSetArn: PS('editors') })
    .resolves({ PermissionSet: { Name: 'MediaEditors' } });
  sso.on(GetInlinePolicyForPermissionSetCommand).resolves({ InlinePolicy: '' });
  for (const [arn, text] of Object.entries(inline))
    sso
      .on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: arn })
      .resolves({ InlinePolicy: text as string });
  sso.on(PutInlinePolicyToPermissionSetCommand).resolves({ $metadata: { requestId: 'PUT' } });
  sso.on(DeleteInlinePolicyFromPermissionSetCommand).resolves({});
  sso.on(ProvisionPermissionSetCommand).resolves({
    $metadata: { requestId: 'PROV' },
    PermissionSetProvisioningStatus: { RequestId: 'prov-1', Status: 'IN_PROGRESS' },
  });
  sso.on(DescribePermissionSetProvisioningStatusCommand).resolves({
    PermissionSetProvisioningStatus: { RequestId: 'prov-1', Status: 'SUCCEEDED' },
  });
}

const READ_S3 = {
  Sid: 'ReadMedia',
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::media/*',
};
const planOf = () => step.plan(testContext({ aws: testPorts(true) }).ctx, params);

describe('idc-contain-user', () => {
  beforeEach(() => {
    sso.reset();
    ids.reset();
  });

  it('finds the user by user name, its permission sets direct and through groups, and plans a deny in each; nothing sent', async () => {
    directory();
    const plan = await planOf();
    expect(ids).toHaveReceivedCommandWith(GetUserIdCommand, {
      IdentityStoreId: 'd-1234567890',
      AlternateIdentifier: {
        UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice@example.com' },
      },
    });
    expect(sso).toHaveReceivedCommandWith(ListAccountAssignmentsForPrincipalCommand, {
      InstanceArn: INSTANCE,
      PrincipalId: 'g-editors',
      PrincipalType: 'GROUP',
      Filter: { AccountId: '123456789012' },
    });
    expect(plan.changes.map((c) => [c.action, c.target])).toEqual([
      ['put-inline-policy', PS('admin')],
      ['provision-permission-set', PS('admin')],
      ['put-inline-policy', PS('editors')],
      ['provision-permission-set', PS('editors')],
    ]);
    expect(sso).toHaveReceivedCommandTimes(PutInlinePolicyToPermissionSetCommand, 0);
    expect(sso).toHaveReceivedCommandTimes(ProvisionPermissionSetCommand, 0);
  });

  it("merges the deny beside the permission set's own statements, provisions it to the account, and waits for it", async () => {
    directory({ [PS('editors')]: JSON.stringify({ Version: '2012-10-17', Statement: [READ_S3] }) });
    const plan = await planOf();
    const applied = await step.apply(testContext().ctx, params, plan);
    const put = sso
      .commandCalls(PutInlinePolicyToPermissionSetCommand)
      .find((c) => c.args[0].input.PermissionSetArn === PS('editors'))!;
    const policy = JSON.parse(put.args[0].input.InlinePolicy!) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement[0]).toEqual(READ_S3);
    expect(policy.Statement[1]).toEqual({
      Sid: 'DrpContainINCTEST1User906753c2f11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'identitystore:userId': ALICE_ID } },
    });
    expect(sso).toHaveReceivedCommandWith(ProvisionPermissionSetCommand, {
      InstanceArn: INSTANCE,
      PermissionSetArn: PS('editors'),
      TargetType: 'AWS_ACCOUNT',
      TargetId: '123456789012',
    });
    expect(sso).toHaveReceivedCommandWith(DescribePermissionSetProvisioningStatusCommand, {
      InstanceArn: INSTANCE,
      ProvisionPermissionSetRequestId: 'prov-1',
    });
    expect(applied.requestIds).toEqual(['PUT', 'PROV', 'PUT', 'PROV']);
    // Evaluated: Alice's sessions on the permission set are denied, her colleague Bob's are not.
    const deny = policy.Statement[1] as Parameters<typeof deniesRequest>[0];
    const role =
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_MediaEditors_0123456789abcdef';
    expect(deniesRequest(deny, { principalArn: role, identitystoreUserId: ALICE_ID })).toBe(true);
    expect(deniesRequest(deny, { principalArn: role, identitystoreUserId: BOB_ID })).toBe(false);
  });

  it('fits the deny into an inline policy already near its limit, and refuses (before any change) one that would not fit', async () => {
    // About 9,900 characters without whitespace: the deny (about 170) still fits under 10,240; 10,100 would not.
    const filler = (n: number) => ({
      Version: '2012-10-17',
      Statement: [{ ...READ_S3, Resource: `arn:aws:s3:::${'m'.repeat(n)}` }],
    });
    const near = JSON.stringify(filler(9_800), null, 2);
    directory({ [PS('admin')]: near });
    const plan = await planOf();
    expect(plan.changes[0]!.detail).toMatch(
      /MediaAdmin: deny every action.*; every other statement kept; 10\d{3} of 10240 characters$/,
    );
    await step.apply(testContext().ctx, params, plan);
    const sent = sso.commandCalls(PutInlinePolicyToPermissionSetCommand)[0]!.args[0].input.InlinePolicy!;
    expect(sent.replace(/\s/g, '').length).toBeLessThanOrEqual(10_240);
    expect((JSON.parse(sent) as { Statement: unknown[] }).Statement).toHaveLength(2);

    sso.reset();
    ids.reset();
    directory({ [PS('admin')]: JSON.stringify(filler(10_100)) });
    await expect(planOf()).rejects.toThrow(
      /the inline policy of permission set MediaAdmin would be \d+ characters .* over the limits of 10240 characters without whitespace/,
    );
    expect(sso).toHaveReceivedCommandTimes(PutInlinePolicyToPermissionSetCommand, 0);
  });

  it('says exactly what to do when the credentials cannot reach Identity Center (AccessDenied), and no instance', async () => {
    sso.on(ListInstancesCommand).rejects(
      new AccessDeniedException({
        $metadata: { httpStatusCode: 400 },
        message: 'User is not authorized to perform: sso:ListInstances',
      }),
    );
    await expect(planOf()).rejects.toThrow(
      /cannot contain Identity Center users: these credentials .* may not use IAM Identity Center \(sso:ListInstances: AccessDeniedException.*management account or its delegated administrator/,
    );
    sso.on(ListInstancesCommand).resolves({ Instances: [] });
    await expect(planOf()).rejects.toThrow(
      /no IAM Identity Center instance is visible .* pass --region with it/,
    );
  });

  it('a user name the identity store does not know is a user error naming it', async () => {
    directory();
    await expect(
      step.plan(testContext({ aws: testPorts(true) }).ctx, { users: ['mallory'] }),
    ).rejects.toThrow('Identity Center user "mallory" not found in identity store d-1234567890');
  });

  it('calls nothing with no --idc-user', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { users: [] });
    expect(plan.changes).toEqual([]);
    expect(sso.calls()).toHaveLength(0);
  });

  it("provisioning that fails is the step's failure with AWS's reason, after the inline policy was put", async () => {
    directory();
    sso.on(DescribePermissionSetProvisioningStatusCommand).resolves({
      PermissionSetProvisioningStatus: {
        RequestId: 'prov-1',
        Status: 'FAILED',
        FailureReason: 'Quota exceeded',
      },
    });
    const plan = await planOf();
    await expect(step.apply(testContext().ctx, params, plan)).rejects.toMatchObject({
      message: expect.stringContaining('failed (provisioning prov-1): Quota exceeded'),
      partial: { changes: [expect.objectContaining({ action: 'put-inline-policy', target: PS('admin') })] },
    });
  });

  describe('restore', () => {
    it('puts back the inline policy as it was (none: deleted) and provisions again', async () => {
      const before = JSON.stringify({ Version: '2012-10-17', Statement: [READ_S3] }, null, 2);
      directory({ [PS('editors')]: before });
      const plan = await planOf();
      await step.apply(testContext().ctx, params, plan);
      const written = Object.fromEntries(
        sso
          .commandCalls(PutInlinePolicyToPermissionSetCommand)
          .map((c) => [c.args[0].input.PermissionSetArn, c.args[0].input.InlinePolicy]),
      );
      sso.reset();
      directory();
      for (const [arn, text] of Object.entries(written))
        sso
          .on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: arn })
          .resolves({ InlinePolicy: text as string });
      const recorded = recordedOf(params, plan.observed, {
        data: { permissionSets: [PS('admin'), PS('editors')] },
      });
      const undo = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
      expect(undo.drift).toEqual([]);
      expect(undo.changes.map((c) => c.action)).toEqual([
        'delete-inline-policy',
        'provision-permission-set',
        'put-inline-policy',
        'provision-permission-set',
      ]);
      await step.restore!.apply(testContext().ctx, recorded, undo);
      expect(sso).toHaveReceivedCommandWith(DeleteInlinePolicyFromPermissionSetCommand, {
        InstanceArn: INSTANCE,
        PermissionSetArn: PS('admin'),
      });
      // Byte for byte: the customer's own formatting comes back.
      expect(sso).toHaveReceivedCommandWith(PutInlinePolicyToPermissionSetCommand, {
        PermissionSetArn: PS('editors'),
        InlinePolicy: before,
      });
      expect(sso).toHaveReceivedCommandTimes(ProvisionPermissionSetCommand, 2);
    });

    it('takes out only its statement when the inline policy changed since, and says so', async () => {
      directory();
      const plan = await planOf();
      const later = { Sid: 'Later', Effect: 'Allow', Action: 'logs:*', Resource: '*' };
      const ours = JSON.parse(JSON.stringify(plan.observed)) as typeof plan.observed;
      const sid = 'DrpContainINCTEST1User906753c2f11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';
      sso.on(GetInlinePolicyForPermissionSetCommand).resolves({
        InlinePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: sid, Effect: 'Deny', Action: '*', Resource: '*' }, later],
        }),
      });
      const undo = await step.restore!.plan(
        testContext({ aws: testPorts(true) }).ctx,
        recordedOf(params, ours),
        DEFAULTS,
      );
      expect(undo.drift).toEqual([
        "permission set MediaAdmin: its inline policy changed since drp's run; only drp's statement is taken out, the rest is left as it is now",
        "permission set MediaEditors: its inline policy changed since drp's run; only drp's statement is taken out, the rest is left as it is now",
      ]);
      await step.restore!.apply(testContext().ctx, recordedOf(params, ours), undo);
      expect(sso).toHaveReceivedCommandWith(PutInlinePolicyToPermissionSetCommand, {
        PermissionSetArn: PS('admin'),
        InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [later] }),
      });
    });

    it('is no drift that another drp step of the run shares the permission set: each restore takes out its own', async () => {
      const before = JSON.stringify({ Version: '2012-10-17', Statement: [READ_S3] });
      directory({ [PS('editors')]: before });
      const plan = await planOf();
      const deny = 'DrpContainINCTEST1User906753c2f11a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';
      const revoke = { Sid: 'DrpRevokeINCTEST1', Effect: 'Deny', Action: '*', Resource: '*' };
      const mine = { Sid: deny, Effect: 'Deny', Action: '*', Resource: '*' };
      // The revoke went in first (its step runs earlier), then this step's deny.
      const atApply = JSON.stringify({ Version: '2012-10-17', Statement: [READ_S3, revoke] });
      sso.on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: PS('editors') }).resolves({
        InlinePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [READ_S3, revoke, mine] }),
      });
      const recorded = recordedOf(params, plan.observed, {
        data: { permissionSets: [PS('editors')], before: { [PS('editors')]: atApply } },
      });
      const undo = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
      expect(undo.drift).toEqual([]);
      await step.restore!.apply(testContext().ctx, recorded, undo);
      // The revoke stays for its own restore, which runs after this one (reverse order).
      expect(sso).toHaveReceivedCommandWith(PutInlinePolicyToPermissionSetCommand, {
        PermissionSetArn: PS('editors'),
        InlinePolicy: atApply,
      });
    });
  });
});
