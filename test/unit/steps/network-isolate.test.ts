import {
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/network-isolate.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto emulates Lambda VPC settings and security groups (the smoke test uses them); what it does
// not do is here: an update in progress, a failed update, EC2's silent "no such rule" on revoke.
const ec2 = mockClient(EC2Client);
const lambda = mockClient(LambdaClient);
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:review-generator';
const VPC = 'vpc-0a1b2c3d';
const DEFAULT_EGRESS = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const TAG = { Key: 'drp:isolation', Value: 'no-inbound-no-outbound' };
const params = { functions: [FN], waitMinutes: 1, pollSeconds: 0 };

function fn(overrides: object = {}, extra: { status?: string[] } = {}) {
  const config = {
    FunctionName: 'review-generator',
    FunctionArn: FN,
    State: 'Active',
    LastUpdateStatus: 'Successful',
    RevisionId: 'rev-1',
    VpcConfig: { VpcId: VPC, SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-app'] },
    ...overrides,
  };
  let chain = lambda.on(GetFunctionConfigurationCommand, { FunctionName: FN });
  for (const status of extra.status ?? [])
    chain = chain.resolvesOnce({ ...config, LastUpdateStatus: status } as never);
  chain.resolves(config as never);
}

const group = (g: Partial<SecurityGroup>): SecurityGroup => ({
  GroupId: 'sg-iso',
  GroupName: 'drp-isolation',
  VpcId: VPC,
  IpPermissions: [],
  IpPermissionsEgress: [],
  Tags: [TAG],
  ...g,
});

describe('network-isolate', () => {
  beforeEach(() => {
    ec2.reset();
    lambda.reset();
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }),
      );
    lambda
      .on(ListVersionsByFunctionCommand)
      .resolves({ Versions: [{ Version: '$LATEST', VpcConfig: { VpcId: VPC } }] });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ $metadata: { requestId: 'R-FN' } });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-iso', $metadata: { requestId: 'R-SG' } });
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({ Return: true, $metadata: { requestId: 'R-REV' } });
  });

  it('plans the isolation group of the VPC and the function onto it, recording its groups, and sends nothing', async () => {
    fn();
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.observed).toEqual({
      vpcs: [{ vpcId: VPC, close: false }],
      functions: [
        {
          function: 'review-generator',
          arn: FN,
          vpcId: VPC,
          subnetIds: ['subnet-a', 'subnet-b'],
          securityGroupIds: ['sg-app'],
          isolate: true,
        },
      ],
    });
    expect(plan.changes.map((c) => `${c.action} ${c.target}`)).toEqual([
      `create-isolation-group ec2:${VPC}`,
      `set-security-groups ${FN}`,
    ]);
    expect(ec2).toHaveReceivedCommandTimes(CreateSecurityGroupCommand, 0);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupEgressCommand, 0);
    expect(lambda).toHaveReceivedCommandTimes(UpdateFunctionConfigurationCommand, 0);
  });

  it('creates the tagged group, revokes its default outbound rule, then gives the function that group alone in the same subnets', async () => {
    fn({}, { status: ['Successful', 'InProgress', 'InProgress'] });
    ec2
      .on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-iso'] })
      .resolvesOnce({ SecurityGroups: [group({ IpPermissionsEgress: [DEFAULT_EGRESS] })] })
      .resolves({ SecurityGroups: [group({})] });
    const { ctx } = testContext();
    const plan = await step.plan(ctx, params);
    const applied = await step.apply(ctx, params, plan);
    expect(ec2).toHaveReceivedCommandWith(CreateSecurityGroupCommand, {
      VpcId: VPC,
      GroupName: 'drp-isolation',
      TagSpecifications: [
        {
          ResourceType: 'security-group',
          Tags: [TAG, { Key: 'drp:incident', Value: 'INC-TEST-1' }, { Key: 'Name', Value: 'drp-isolation' }],
        },
      ],
    });
    expect(ec2).toHaveReceivedCommandWith(RevokeSecurityGroupEgressCommand, {
      GroupId: 'sg-iso',
      IpPermissions: [DEFAULT_EGRESS],
    });
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, {
      FunctionName: FN,
      VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-iso'] },
      RevisionId: 'rev-1',
    });
    expect(applied).toMatchObject({
      changes: [
        { action: 'create-isolation-group', detail: 'sg-iso' },
        { action: 'close-isolation-group', target: 'sg-iso' },
        { action: 'set-security-groups', target: FN, detail: 'sg-app -> sg-iso' },
      ],
      data: {
        isolationGroups: { [VPC]: 'sg-iso' },
        functions: [{ function: 'review-generator', arn: FN, groupId: 'sg-iso' }],
      },
    });
  });

  it('reuses the VPC isolation group, and plans nothing for a function that already has it alone', async () => {
    fn({ VpcConfig: { VpcId: VPC, SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-iso'] } });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group({})] });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['function review-generator already has only the isolation group sg-iso']);
  });

  it('refuses a tagged group that has rules: it would not isolate', async () => {
    fn();
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        group({
          IpPermissionsEgress: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      ],
    });
    await expect(step.plan(testContext({ aws: testPorts(true) }).ctx, params)).rejects.toThrow(
      /security group sg-iso in vpc-0a1b2c3d carries drp's isolation tag but has rules \(tcp 443-443 to 0.0.0.0\/0\)/,
    );
  });

  it('notes what it cannot isolate: no VPC, a pattern, another region, published versions; a missing function is a user error', async () => {
    fn();
    lambda.on(ListVersionsByFunctionCommand).resolves({
      Versions: [
        { Version: '$LATEST' },
        { Version: '3', VpcConfig: { VpcId: VPC, SecurityGroupIds: ['sg-app'] } },
      ],
    });
    const other = 'arn:aws:lambda:us-east-1:123456789012:function:thumbnailer';
    lambda
      .on(GetFunctionConfigurationCommand, { FunctionName: other })
      .resolves({ FunctionName: 'thumbnailer', FunctionArn: other });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      ...params,
      functions: [
        FN,
        other,
        'arn:aws:lambda:us-east-1:123456789012:function:media-*',
        'arn:aws:lambda:eu-west-1:123456789012:function:x',
      ],
    });
    expect(plan.notes).toEqual([
      expect.stringMatching(/^function review-generator: published version\(s\) 3 keep the security groups/),
      expect.stringMatching(/^function thumbnailer is not connected to a VPC/),
      expect.stringMatching(/function:media-\* is a pattern: only the SCP covers it/),
      expect.stringMatching(/function:x is in 123456789012\/eu-west-1, not 123456789012\/us-east-1/),
    ]);
    await expect(
      step.plan(testContext({ aws: testPorts(true) }).ctx, { ...params, functions: [`${FN}-gone`] }),
    ).rejects.toThrow(new UserError(`Lambda function ${FN}-gone not found (--function / param functions)`));
  });

  it("fails the step with Lambda's reason when the update fails, having made the group", async () => {
    fn(
      {
        LastUpdateStatusReason:
          'The provided execution role does not have permissions to call CreateNetworkInterface on EC2',
      },
      { status: ['Successful', 'Successful', 'Failed'] },
    );
    ec2.on(DescribeSecurityGroupsCommand, { GroupIds: ['sg-iso'] }).resolves({ SecurityGroups: [group({})] });
    const { ctx } = testContext();
    const failure = await step.apply(ctx, params, await step.plan(ctx, params)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as Error).message).toMatch(
      /could not apply the security groups to arn:aws:lambda:us-east-1:123456789012:function:review-generator: The provided execution role/,
    );
    expect((failure as StepFailure).partial.changes.map((c) => c.action)).toEqual([
      'create-isolation-group',
      'close-isolation-group',
    ]);
  });
});

describe("the network port closes only drp's own group, and only its default rule", () => {
  const network = () => testPorts().network;
  beforeEach(() => ec2.reset());

  it('refuses a group without the drp:isolation tag, revoking nothing', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [group({ Tags: [], IpPermissionsEgress: [DEFAULT_EGRESS] })] });
    await expect(network().closeIsolationGroup('sg-iso')).rejects.toThrow(/is not drp's isolation group/);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupEgressCommand, 0);
  });

  it('refuses a group with any other rule, revoking nothing', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        group({
          IpPermissionsEgress: [
            DEFAULT_EGRESS,
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        }),
      ],
    });
    await expect(network().closeIsolationGroup('sg-iso')).rejects.toThrow(/has rules drp did not expect/);
    expect(ec2).toHaveReceivedCommandTimes(RevokeSecurityGroupEgressCommand, 0);
  });

  it("treats EC2's success with UnknownIpPermissions as the failure it is", async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [group({ IpPermissionsEgress: [DEFAULT_EGRESS] })] });
    ec2
      .on(RevokeSecurityGroupEgressCommand)
      .resolves({ Return: true, UnknownIpPermissions: [DEFAULT_EGRESS] });
    await expect(network().closeIsolationGroup('sg-iso')).rejects.toThrow(
      /left outbound rules of sg-iso in place/,
    );
  });
});

describe('network-isolate restore', () => {
  const before = {
    function: 'review-generator',
    arn: FN,
    vpcId: VPC,
    subnetIds: ['subnet-a', 'subnet-b'],
    securityGroupIds: ['sg-app', 'sg-db'],
    isolate: true,
  };
  const recorded = recordedOf(
    params,
    { vpcs: [{ vpcId: VPC, close: false }], functions: [before] },
    {
      data: {
        isolationGroups: { [VPC]: 'sg-iso' },
        functions: [{ function: 'review-generator', arn: FN, groupId: 'sg-iso' }],
      },
    },
  );

  beforeEach(() => {
    lambda.reset();
    ec2.reset();
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ $metadata: { requestId: 'R-FN' } });
  });

  it('puts back the groups of before in the subnets of before, and keeps the isolation group', async () => {
    fn({
      VpcConfig: { VpcId: VPC, SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-iso'] },
      RevisionId: 'rev-7',
    });
    const p = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p).toMatchObject({
      changes: [{ action: 'set-security-groups', target: FN, detail: 'sg-iso -> sg-app, sg-db' }],
      drift: [],
      kept: [`the isolation group of ${VPC} stays: deleting it is not drp's to do`],
    });
    expect(lambda).toHaveReceivedCommandTimes(UpdateFunctionConfigurationCommand, 0);
    await step.restore!.apply(testContext().ctx, recorded, p);
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, {
      FunctionName: FN,
      VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-app', 'sg-db'] },
      RevisionId: 'rev-7',
    });
  });

  it('reports drift when the function has other groups than the isolation group now', async () => {
    fn({ VpcConfig: { VpcId: VPC, SubnetIds: ['subnet-a'], SecurityGroupIds: ['sg-new'] } });
    const p = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.drift).toEqual([
      "function review-generator: its security groups are sg-new, not drp's isolation group: restoring replaces them with those of before",
    ]);
  });
});
