import {
  CloudWatchLogsClient,
  CloudWatchLogsServiceException,
  CreateExportTaskCommand,
  DescribeExportTasksCommand,
  type ExportTask,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFlowLogsCommand, EC2Client, type FlowLog } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CopyObjectCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import { pacing } from '../../../src/steps/lib/flow-logs/export.js';
import step from '../../../src/steps/preserve-flow-logs.js';
import { fakeS3 } from '../../support/fake-s3.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);
const lambda = mockClient(LambdaClient);
const ACCT = '123456789012';
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const VPC = 'vpc-0a1b2c3d4e5f67890';
const OTHER_VPC = 'vpc-0fedcba9876543210';
const now = () => new Date('2026-12-01T03:00:00.000Z');
const params = (over: Record<string, unknown> = {}) =>
  step.params.parse({ vpcs: [VPC], since: '2d', ...over });

const s3FlowLog = (over: Partial<FlowLog> = {}): FlowLog => ({
  FlowLogId: 'fl-0aaa1111',
  ResourceId: VPC,
  LogDestinationType: 's3',
  LogDestination: 'arn:aws:s3:::net-logs/flows/',
  DeliverLogsStatus: 'SUCCESS',
  TrafficType: 'ALL',
  ...over,
});
const cwFlowLog: FlowLog = {
  FlowLogId: 'fl-0bbb2222',
  ResourceId: VPC,
  LogDestinationType: 'cloud-watch-logs',
  LogGroupName: '/vpc/flow-logs',
  DeliverLogsStatus: 'SUCCESS',
  TrafficType: 'ALL',
};
/** <prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<account>_vpcflowlogs_<region>_<id>_<time>_<hash>.log.gz */
const file = (day: string, stamp: string, id = 'fl-0aaa1111') =>
  `flows/AWSLogs/${ACCT}/vpcflowlogs/us-east-1/${day}/${ACCT}_vpcflowlogs_us-east-1_${id}_${stamp}_ab12cd34.log.gz`;
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
const logsError = (name: string, message: string) =>
  new CloudWatchLogsServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

describe('preserve-flow-logs', () => {
  const realSleep = pacing.sleep;
  beforeEach(() => {
    for (const m of [s3, ec2, logs, lambda]) m.reset();
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [s3FlowLog()] });
    logs.on(DescribeExportTasksCommand).resolves({ exportTasks: [] });
    s3.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy', 404));
    s3.on(PutBucketPolicyCommand).resolves({ $metadata: { requestId: 'BP1' } });
    pacing.sleep = async () => {};
  });
  afterEach(() => {
    pacing.sleep = realSleep;
  });

  it('copies only the files of its own flow log inside the window, pinned, hashed and held', async () => {
    const inside = [file('2026/11/29', '20261129T0305Z'), file('2026/12/01', '20261201T0250Z')];
    const outside = [
      file('2026/11/29', '20261129T0255Z'), // before the window's start (03:00 two days back)
      file('2026/12/01', '20261201T0100Z', 'fl-0ccc3333'), // another VPC's flow log in the same bucket
    ];
    const fake = fakeS3(s3, {
      'net-logs': [...inside, ...outside].map((key) => ({ key, body: `body of ${key}` })),
      [EVIDENCE]: [],
    });
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(planCtx, params());
    expect(ec2).toHaveReceivedCommandWith(DescribeFlowLogsCommand, {
      Filter: [{ Name: 'resource-id', Values: [VPC] }],
    });
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'copy-log-files', target: 's3://net-logs/flows/AWSLogs/', count: 2 }),
    ]);
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 0);

    const { ctx, artefacts } = testContext({ now });
    const applied = await step.apply(ctx, params(), plan);
    expect(fake.keys(EVIDENCE)).toEqual(
      inside.map((k) => `incidents/INC-TEST-1/flow-logs/net-logs/${k}`).sort(),
    );
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: `incidents/INC-TEST-1/flow-logs/net-logs/${inside[0]}`,
      CopySourceIfMatch: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      ChecksumAlgorithm: 'SHA256',
      ObjectLockLegalHoldStatus: 'ON',
    });
    const manifest = artefacts.find((a) => a.name === 'flow-logs-manifest.jsonl')!;
    expect(manifest.content.trim().split('\n')).toHaveLength(2);
    expect(applied.data).toMatchObject({ copied: 2 });
  });

  it('lists the Hive-compatible layout of a flow log that uses it', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({
      FlowLogs: [
        s3FlowLog({ DestinationOptions: { HiveCompatiblePartitions: true, PerHourPartition: true } }),
      ],
    });
    fakeS3(s3, { 'net-logs': [], [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    await step.plan(ctx, params({ since: '2h' }));
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 0);
    const listed = s3
      .calls()
      .map((c) => c.args[0].input as { Bucket?: string; Prefix?: string })
      .filter((i) => i.Bucket === 'net-logs')
      .map((i) => i.Prefix);
    expect(listed).toEqual([
      `flows/AWSLogs/aws-account-id=${ACCT}/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=12/day=01/`,
    ]);
  });

  it('a VPC without flow logs is a finding with the command that turns them on', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
    fakeS3(s3, { [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      `evidence is missing: VPC ${VPC} has no flow log, so who connected to what is not recorded. Turn it on: aws ec2 create-flow-logs --resource-type VPC --resource-ids ${VPC} --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::LOG-BUCKET/vpc-flow-logs/`,
    ]);
  });

  it("adds the VPC of a contained function's VPC config, and says which functions gave none", async () => {
    lambda
      .on(GetFunctionConfigurationCommand, {
        FunctionName: `arn:aws:lambda:us-east-1:${ACCT}:function:resize`,
      })
      .resolves({ VpcConfig: { VpcId: OTHER_VPC, SubnetIds: ['subnet-1'] } })
      .on(GetFunctionConfigurationCommand, {
        FunctionName: `arn:aws:lambda:us-east-1:${ACCT}:function:public`,
      })
      .resolves({ VpcConfig: { VpcId: '', SubnetIds: [] } });
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
    fakeS3(s3, { [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(
      ctx,
      params({
        vpcs: [],
        functions: [
          `arn:aws:lambda:us-east-1:${ACCT}:function:resize`,
          `arn:aws:lambda:us-east-1:${ACCT}:function:public`,
          `arn:aws:lambda:us-east-1:${ACCT}:function:media-*`,
        ],
      }),
    );
    expect(plan.observed.vpcs).toEqual([OTHER_VPC]);
    expect(ec2).toHaveReceivedCommandWith(DescribeFlowLogsCommand, {
      Filter: [{ Name: 'resource-id', Values: [OTHER_VPC] }],
    });
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 2);
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/function:public: not attached to a VPC/),
        expect.stringMatching(
          /function:media-\*: a pattern names no single function: give its VPC with --vpc/,
        ),
      ]),
    );
  });

  describe('a flow log that publishes to CloudWatch Logs', () => {
    beforeEach(() => ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [cwFlowLog] }));

    const landing = (fake: ReturnType<typeof fakeS3>) => (input: { destinationPrefix: string }) => {
      fake.put(EVIDENCE, `${input.destinationPrefix}/task-1/eni-0123-all/000000.gz`, 'exported flows');
      logs.on(DescribeExportTasksCommand, { taskId: 'task-1' }).resolves({
        exportTasks: [
          {
            taskId: 'task-1',
            logGroupName: '/vpc/flow-logs',
            from: Date.parse('2026-11-29T03:00:00Z'),
            to: now().getTime(),
            destination: EVIDENCE,
            destinationPrefix: input.destinationPrefix,
            status: { code: 'COMPLETED' },
          },
        ],
      });
      return { taskId: 'task-1', $metadata: { requestId: 'X1' } };
    };

    it('plans the bucket policy and the export, then exports, waits, and copies each exported file held', async () => {
      const fake = fakeS3(s3, { [EVIDENCE]: [] });
      const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
      const plan = await step.plan(planCtx, params());
      expect(plan.changes.map((c) => c.action)).toEqual(['put-bucket-policy', 'export-log-group']);
      expect(logs).toHaveReceivedCommandTimes(CreateExportTaskCommand, 0);
      expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);

      logs.on(CreateExportTaskCommand).callsFake(landing(fake));
      const { ctx } = testContext({ now });
      const applied = await step.apply(ctx, params(), plan);
      const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!) as {
        Statement: Record<string, unknown>[];
      };
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Action: 's3:GetBucketAcl',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Resource: `arn:aws:s3:::${EVIDENCE}`,
        }),
        expect.objectContaining({
          Action: 's3:PutObject',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Resource: `arn:aws:s3:::${EVIDENCE}/incidents/INC-TEST-1/flow-logs/cloudwatch-export/*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCT, 's3:x-amz-acl': 'bucket-owner-full-control' },
            ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCT}:log-group:*` },
          },
        }),
      ]);
      const start = Date.parse('2026-11-29T03:00:00Z');
      expect(logs).toHaveReceivedCommandWith(CreateExportTaskCommand, {
        logGroupName: '/vpc/flow-logs',
        from: start,
        to: now().getTime(),
        destination: EVIDENCE,
        destinationPrefix: `incidents/INC-TEST-1/flow-logs/cloudwatch-export/vpc_flow-logs/${start}-${now().getTime()}`,
      });
      expect(fake.keys(EVIDENCE)).toContain(
        `incidents/INC-TEST-1/flow-logs/cloudwatch/vpc_flow-logs/${start}-${now().getTime()}/task-1/eni-0123-all/000000.gz`,
      );
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
        ObjectLockLegalHoldStatus: 'ON',
        ChecksumAlgorithm: 'SHA256',
      });
      expect(applied.data).toMatchObject({ exports: [{ logGroup: '/vpc/flow-logs', taskId: 'task-1' }] });
    });

    it('queues behind another export task of the account (LimitExceededException), then runs its own', async () => {
      const fake = fakeS3(s3, { [EVIDENCE]: [] });
      const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
      const plan = await step.plan(planCtx, params());
      let calls = 0;
      logs.on(CreateExportTaskCommand).callsFake((input: { destinationPrefix: string }) => {
        calls += 1;
        // What AWS answers while another export task (PENDING or RUNNING) exists in the account.
        if (calls < 3) throw logsError('LimitExceededException', 'Resource limit exceeded.');
        return landing(fake)(input);
      });
      const { ctx } = testContext({ now });
      await step.apply(ctx, params(), plan);
      expect(logs).toHaveReceivedCommandTimes(CreateExportTaskCommand, 3);
    });

    it('a failed export fails the step with what to check, after the S3 copies of other flow logs', async () => {
      ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [s3FlowLog(), cwFlowLog] });
      const key = file('2026/12/01', '20261201T0250Z');
      const fake = fakeS3(s3, { 'net-logs': [{ key, body: 'flows' }], [EVIDENCE]: [] });
      const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
      const plan = await step.plan(planCtx, params());
      logs.on(CreateExportTaskCommand).resolves({ taskId: 'task-9' });
      logs.on(DescribeExportTasksCommand, { taskId: 'task-9' }).resolves({
        exportTasks: [
          { taskId: 'task-9', status: { code: 'FAILED', message: 'Access Denied' } } as ExportTask,
        ],
      });
      const { ctx } = testContext({ now });
      const error = await step.apply(ctx, params(), plan).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StepFailure);
      expect((error as Error).message).toMatch(
        /export task task-9 of \/vpc\/flow-logs ended FAILED: Access Denied; check the evidence bucket's policy .* logs\.us-east-1\.amazonaws\.com/,
      );
      expect(fake.keys(EVIDENCE)).toContain(`incidents/INC-TEST-1/flow-logs/net-logs/${key}`);
      expect((error as StepFailure).partial.changes.map((c) => c.action)).toContain('copy-log-files');
    });

    it('a re-run exports only from where the last completed export of this incident ended', async () => {
      const prefix = 'incidents/INC-TEST-1/flow-logs/cloudwatch-export/vpc_flow-logs/';
      const lastTo = Date.parse('2026-11-30T12:00:00Z');
      logs.on(DescribeExportTasksCommand).resolves({
        exportTasks: [
          {
            taskId: 'old',
            logGroupName: '/vpc/flow-logs',
            from: Date.parse('2026-11-29T03:00:00Z'),
            to: lastTo,
            destination: EVIDENCE,
            destinationPrefix: `${prefix}1-2`,
            status: { code: 'COMPLETED' },
          },
        ],
      });
      s3.on(GetBucketPolicyCommand).resolves({ Policy: '{"Statement":[]}' });
      fakeS3(s3, { [EVIDENCE]: [] });
      const { ctx } = testContext({ aws: testPorts(true), now });
      const plan = await step.plan(ctx, params());
      expect(plan.observed.exports[0]).toMatchObject({ from: lastTo, done: [{ taskId: 'old', to: lastTo }] });
      expect(plan.changes.find((c) => c.action === 'export-log-group')!.detail).toMatch(
        /^2026-11-30T12:00Z to now/,
      );
    });
  });
});
