import {
  BadRequestException,
  GetDetectorCommand,
  GetFindingsCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/export-guardduty-findings.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto has GuardDuty detectors but no findings: ListFindings and GetFindings are mocked here.
const gd = mockClient(GuardDutyClient);
const now = () => new Date('2026-12-01T03:00:00.000Z');
const SINCE = Date.parse('2026-11-24T03:00:00.000Z');
const params = (over: Record<string, unknown> = {}) =>
  step.params.parse({
    bucket: 'product-media-prod',
    users: ['vendor-ai'],
    roles: ['MediaPipeline'],
    ...over,
  });
const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`);

describe('export-guardduty-findings', () => {
  beforeEach(() => {
    gd.reset();
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['det1'] });
    gd.on(GetDetectorCommand).resolves({
      Status: 'ENABLED',
      ServiceRole: 'r',
      Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }],
    });
    gd.on(ListFindingsCommand).resolves({ FindingIds: [] });
    gd.on(GetFindingsCommand).callsFake(({ FindingIds }: { FindingIds: string[] }) => ({
      Findings: FindingIds.map((Id, i) => ({
        Id,
        Severity: i % 2 ? 8 : 5,
        Type: 'Exfiltration:S3/AnomalousBehavior',
      })),
    }));
  });

  it('searches the bucket, then the users and roles, each updated since the window, and counts them read-only', async () => {
    gd.on(ListFindingsCommand).callsFake(
      (input: { FindingCriteria: { Criterion: Record<string, unknown> } }) => ({
        FindingIds: 'resource.s3BucketDetails.name' in input.FindingCriteria.Criterion ? ids(3, 'b') : [],
      }),
    );
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(gd).toHaveReceivedCommandWith(ListFindingsCommand, {
      DetectorId: 'det1',
      FindingCriteria: {
        Criterion: {
          updatedAt: { GreaterThanOrEqual: SINCE },
          'resource.s3BucketDetails.name': { Equals: ['product-media-prod'] },
        },
      },
    });
    expect(gd).toHaveReceivedCommandWith(ListFindingsCommand, {
      FindingCriteria: {
        Criterion: {
          updatedAt: { GreaterThanOrEqual: SINCE },
          'resource.accessKeyDetails.userName': { Equals: ['vendor-ai', 'MediaPipeline'] },
        },
      },
    });
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'export-findings', target: 'guardduty:detector/det1', count: 3 }),
    ]);
    expect(plan.notes).toBeUndefined();
    expect(gd).toHaveReceivedCommandTimes(GetFindingsCommand, 0);
  });

  it('exports every finding once, 50 ids per GetFindings, as JSON Lines with their severity bands', async () => {
    gd.on(ListFindingsCommand)
      .resolvesOnce({ FindingIds: ids(50, 'a'), NextToken: 'p2' })
      .resolvesOnce({ FindingIds: ids(30, 'c') })
      .resolves({ FindingIds: ['a0', 'u1'] }); // the identities' search: a0 is the bucket's too
    const { ctx, artefacts } = testContext({ now });
    const plan = {
      observed: {
        enabled: true,
        region: 'us-east-1',
        window: { start: new Date(SINCE).toISOString(), end: now().toISOString() },
        detectors: [{ id: 'det1', status: 'ENABLED', s3Protection: 'ENABLED' as const }],
      },
      changes: [],
    };
    const applied = await step.apply(ctx, params(), plan);
    const calls = gd.commandCalls(GetFindingsCommand).map((c) => c.args[0].input.FindingIds!.length);
    expect(calls).toEqual([50, 31]);
    const lines = artefacts
      .find((a) => a.name === 'guardduty-findings.jsonl')!
      .content.trim()
      .split('\n');
    expect(lines).toHaveLength(81);
    expect(JSON.parse(lines[0]!)).toMatchObject({ detectorId: 'det1', Id: 'a0' });
    expect(applied.data).toMatchObject({ findings: 81, bySeverity: { medium: 41, high: 40 } });
  });

  it('no detector is not applicable, and a finding with the command that creates one', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.changes).toEqual([]);
    expect(plan.notApplicable).toBe('GuardDuty has no detector in us-east-1');
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /evidence is missing: .* aws guardduty create-detector --enable --features Name=S3_DATA_EVENTS,Status=ENABLED --region us-east-1$/,
      ),
    ]);
  });

  it('a suspended detector and S3 Protection off are findings, with the update-detector commands', async () => {
    gd.on(GetDetectorCommand).resolves({
      Status: 'DISABLED',
      ServiceRole: 'r',
      Features: [{ Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }],
    });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /detector det1 in us-east-1 is suspended.*update-detector --detector-id det1 --enable$/,
      ),
      expect.stringMatching(
        /S3 Protection is off on detector det1.*--features Name=S3_DATA_EVENTS,Status=ENABLED$/,
      ),
    ]);
  });

  it('reads S3 Protection from the older dataSources when the detector reports no features', async () => {
    gd.on(GetDetectorCommand).resolves({
      Status: 'ENABLED',
      ServiceRole: 'r',
      DataSources: { S3Logs: { Status: 'DISABLED' } } as never,
    });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.observed.detectors).toEqual([{ id: 'det1', status: 'ENABLED', s3Protection: 'DISABLED' }]);
  });

  it('enabled: false (--no-guardduty) calls nothing', async () => {
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params({ enabled: false }));
    expect(plan).toEqual({ observed: { enabled: false, region: 'us-east-1' }, changes: [] });
    expect(gd.calls()).toHaveLength(0);
  });

  it("fails with GuardDuty's BadRequestException, keeping what it exported before", async () => {
    gd.on(ListFindingsCommand)
      .resolvesOnce({ FindingIds: ['a0'] })
      .rejects(
        new BadRequestException({
          $metadata: { httpStatusCode: 400 },
          message:
            'The request is rejected because the input detectorId is not owned by the current account.',
          Type: 'InvalidInputException',
        }),
      );
    const { ctx } = testContext({ now });
    const plan = {
      observed: {
        enabled: true,
        region: 'us-east-1',
        window: { start: new Date(SINCE).toISOString(), end: now().toISOString() },
        detectors: [{ id: 'det1', status: 'ENABLED', s3Protection: 'ENABLED' as const }],
      },
      changes: [],
    };
    const error = await step.apply(ctx, params(), plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as Error).message).toMatch(/not owned by the current account/);
    expect((error as StepFailure).partial.data).toMatchObject({
      findings: 0,
      artefact: { path: 'artefacts/guardduty-findings.jsonl' },
    });
  });
});
