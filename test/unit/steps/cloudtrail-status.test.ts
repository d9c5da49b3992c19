import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/cloudtrail-status.js';
import { testContext, testPorts } from '../../support/step-context.js';

const ct = mockClient(CloudTrailClient);
const ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/main';
const OTHER = 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu';

const trail = (over: Partial<Trail> = {}): Trail => ({
  Name: 'main',
  TrailARN: ARN,
  HomeRegion: 'us-east-1',
  IsMultiRegionTrail: true,
  IsOrganizationTrail: false,
  LogFileValidationEnabled: true,
  IncludeGlobalServiceEvents: true,
  S3BucketName: 'trail-logs',
  ...over,
});
const allDataEvents = {
  AdvancedEventSelectors: [
    {
      Name: 's3',
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
      ],
    },
  ],
};

describe('cloudtrail-status', () => {
  beforeEach(() => {
    ct.reset();
    ct.on(DescribeTrailsCommand).resolves({ trailList: [trail()] });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    ct.on(GetEventSelectorsCommand).resolves(allDataEvents);
    ct.on(StartLoggingCommand).resolves({ $metadata: { requestId: 'S1' } });
    ct.on(UpdateTrailCommand).resolves({ $metadata: { requestId: 'U1' } });
  });

  it('reports a healthy trail with no finding, and plans only to record its status', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media', ensureLogging: false });
    expect(ct).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
    expect(ct).toHaveReceivedCommandWith(GetTrailStatusCommand, { Name: ARN });
    expect(ct).toHaveReceivedCommandWith(GetEventSelectorsCommand, { TrailName: ARN });
    expect(plan.observed.trails).toEqual([
      expect.objectContaining({
        name: 'main',
        multiRegion: true,
        logFileValidation: true,
        status: { isLogging: true },
        s3DataEvents: expect.objectContaining({ coverage: 'all' }),
      }),
    ]);
    expect(plan.changes).toEqual([
      { action: 'record-trail-status', target: 'artefact cloudtrail-status.json', detail: '1 trail(s)' },
    ]);
    expect(plan.notes).toEqual([]);
  });

  it('finds evidence missing when no trail covers the region', async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [trail({ TrailARN: OTHER, HomeRegion: 'eu-west-1', IsMultiRegionTrail: false })],
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media', ensureLogging: false });
    expect(plan.observed.trails).toEqual([]);
    expect(plan.notes).toEqual([
      expect.stringMatching(/^evidence is missing: no CloudTrail trail records events in us-east-1/),
    ]);
  });

  it('finds a trail that is not logging, without log file validation, and without data events for the bucket', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [trail({ LogFileValidationEnabled: false })] });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    ct.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media', ensureLogging: false });
    expect(plan.notes).toEqual([
      'evidence is missing: trail main is not logging (ensureLogging: true fixes it)',
      'trail main has no log file validation: its log files cannot be proven unaltered (ensureLogging: true fixes it)',
      'evidence is missing: no trail covering us-east-1 is logging (ensureLogging: true fixes it)',
      'evidence is missing: no trail records S3 data events for media: object reads and writes (who downloaded what) are not in CloudTrail',
    ]);
    expect(plan.changes).toHaveLength(1);
  });

  it('with ensureLogging, starts logging and turns on log file validation, says so, and records the status', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [trail({ LogFileValidationEnabled: false })] });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { ctx: planCtx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(planCtx, { bucket: 'media', ensureLogging: true });
    expect(ct).toHaveReceivedCommandTimes(StartLoggingCommand, 0);
    expect(plan.changes.map((c) => c.action)).toEqual([
      'record-trail-status',
      'start-logging',
      'enable-log-file-validation',
    ]);
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, { bucket: 'media', ensureLogging: true }, plan);
    expect(ct).toHaveReceivedCommandWith(StartLoggingCommand, { Name: ARN });
    expect(ct).toHaveReceivedCommandWith(UpdateTrailCommand, { Name: ARN, EnableLogFileValidation: true });
    expect(applied.requestIds).toEqual(['S1', 'U1']);
    expect(applied.notes).toEqual([`started logging of ${ARN}`, `turned on log file validation of ${ARN}`]);
    expect(artefacts.map((a) => a.name)).toEqual(['cloudtrail-status.json']);
    expect(JSON.parse(artefacts[0]!.content)).toEqual(plan.observed);
  });

  it("does not change another region's multi-region trail: it says where to run", async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [trail({ Name: 'eu', TrailARN: OTHER, HomeRegion: 'eu-west-1' })],
    });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media', ensureLogging: true });
    expect(plan.changes.map((c) => c.action)).toEqual(['record-trail-status']);
    expect(plan.notes).toContain(
      'trail eu belongs to eu-west-1: run again with --region eu-west-1 to change it',
    );
  });

  it('keeps going when one trail cannot be read, and says which', async () => {
    ct.on(GetTrailStatusCommand).rejects(
      Object.assign(new Error('not yours'), { name: 'TrailNotFoundException' }),
    );
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media', ensureLogging: false });
    expect(plan.notes).toContain(
      'trail main: its status could not be read: TrailNotFoundException: not yours',
    );
  });
});
