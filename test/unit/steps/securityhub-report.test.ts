import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchImportFindingsCommand,
  DescribeHubCommand,
  GetFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure, type RunSoFar } from '../../../src/steps/define.js';
import step from '../../../src/steps/securityhub-report.js';
import { testContext, testPorts } from '../../support/step-context.js';

const hub = mockClient(SecurityHubClient);
const ACCT = '123456789012';
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCT}:product/${ACCT}/default`;
const now = () => new Date('2026-12-01T03:00:00.000Z');
const params = (over: Record<string, unknown> = {}) =>
  step.params.parse({
    bucket: 'product-media-prod',
    users: ['vendor-ai'],
    roles: ['MediaPipeline'],
    ...over,
  });
const notEnabled = () =>
  new InvalidAccessException({
    $metadata: { httpStatusCode: 401 },
    message: 'Account 123456789012 is not subscribed to AWS Security Hub',
    Code: 'InvalidAccessException',
  });
const run: RunSoFar = {
  journalId: 'J-1',
  head: () => ({ hash: 'ab'.repeat(32), entries: 42 }),
  steps: [
    {
      id: 'block-public-access',
      type: 's3-block-public-access',
      outcome: 'applied',
      changes: [{ action: 'put-public-access-block', target: 's3://product-media-prod' }],
    },
    { id: 'snapshot-config', type: 's3-snapshot-config', outcome: 'nothing-to-do', changes: [] },
  ],
};
const sent = () =>
  hub.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);

describe('securityhub-report', () => {
  beforeEach(() => {
    hub.reset();
    hub.on(DescribeHubCommand).resolves({ HubArn: `arn:aws:securityhub:us-east-1:${ACCT}:hub/default` });
    hub.on(GetFindingsCommand).resolves({ Findings: [] });
    hub.on(BatchImportFindingsCommand).callsFake(({ Findings }: { Findings: AwsSecurityFinding[] }) => ({
      SuccessCount: Findings.length,
      FailedCount: 0,
      FailedFindings: [],
      $metadata: { requestId: 'I1' },
    }));
  });

  it('plans one new incident finding read-only', async () => {
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(hub).toHaveReceivedCommandWith(GetFindingsCommand, {
      Filters: {
        Id: [{ Value: 'drp/INC-TEST-1/incident', Comparison: 'EQUALS' }],
        ProductArn: [{ Value: PRODUCT, Comparison: 'EQUALS' }],
      },
    });
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'import-finding', target: 'securityhub:drp/INC-TEST-1/incident' }),
    ]);
    expect(plan.changes[0]!.detail).toMatch(/^HIGH, new:/);
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 0);
  });

  it("imports an ASFF finding with every required field, the account's default product, the resources and the journal head", async () => {
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(planCtx, params({ vpcs: ['vpc-0a1b2c3d4e5f67890'] }));
    const { ctx } = testContext({ now, run });
    const applied = await step.apply(ctx, params({ vpcs: ['vpc-0a1b2c3d4e5f67890'] }), plan);
    const [f] = sent();
    expect(f).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: 'drp/INC-TEST-1/incident',
      ProductArn: PRODUCT,
      GeneratorId: 'drp/incident-response',
      AwsAccountId: ACCT,
      Types: ['Effects/Data Exposure'],
      CreatedAt: now().toISOString(),
      UpdatedAt: now().toISOString(),
      Severity: { Label: 'HIGH' },
      FindingProviderFields: { Severity: { Label: 'HIGH' }, Types: ['Effects/Data Exposure'] },
      Title: 'drp incident INC-TEST-1: synthetic media leak of s3://product-media-prod',
      Resources: [
        { Type: 'AwsS3Bucket', Id: 'arn:aws:s3:::product-media-prod', Partition: 'aws', Region: 'us-east-1' },
        {
          Type: 'AwsIamUser',
          Id: `arn:aws:iam::${ACCT}:user/vendor-ai`,
          Partition: 'aws',
          Region: 'us-east-1',
        },
        {
          Type: 'AwsIamRole',
          Id: `arn:aws:iam::${ACCT}:role/MediaPipeline`,
          Partition: 'aws',
          Region: 'us-east-1',
        },
        {
          Type: 'AwsEc2Vpc',
          Id: `arn:aws:ec2:us-east-1:${ACCT}:vpc/vpc-0a1b2c3d4e5f67890`,
          Partition: 'aws',
          Region: 'us-east-1',
        },
      ],
      ProductFields: {
        'drp/EvidenceLocation': 's3://drp-evidence-123456789012-us-east-1/incidents/INC-TEST-1/',
        'drp/JournalId': 'J-1',
        'drp/JournalHead': 'ab'.repeat(32),
        'drp/Steps': 'block-public-access applied: put-public-access-block s3://product-media-prod',
      },
    });
    expect(f!.Description!.length).toBeLessThanOrEqual(1024);
    expect(f!.Workflow).toBeUndefined();
    expect(applied.data).toMatchObject({
      imported: 1,
      incidentFindingId: 'drp/INC-TEST-1/incident',
      journalHead: 'ab'.repeat(32),
    });
  });

  it("builds ARNs in the caller's partition (aws-cn)", async () => {
    const caller = {
      arn: `arn:aws-cn:sts::${ACCT}:assumed-role/R/s`,
      accountId: ACCT,
      principalArn: `arn:aws-cn:iam::${ACCT}:role/R`,
    };
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now, caller, region: 'cn-north-1' });
    const plan = await step.plan(planCtx, params());
    const { ctx } = testContext({ now, caller, region: 'cn-north-1' });
    await step.apply(ctx, params(), plan);
    expect(sent()[0]).toMatchObject({
      ProductArn: `arn:aws-cn:securityhub:cn-north-1:${ACCT}:product/${ACCT}/default`,
      Resources: expect.arrayContaining([
        expect.objectContaining({ Id: 'arn:aws-cn:s3:::product-media-prod', Partition: 'aws-cn' }),
      ]),
    });
  });

  it('a re-run imports the same id again, keeping the first CreatedAt and moving UpdatedAt', async () => {
    hub.on(GetFindingsCommand).resolves({
      Findings: [
        {
          Id: 'drp/INC-TEST-1/incident',
          ProductArn: PRODUCT,
          CreatedAt: '2026-11-30T01:00:00.000Z',
          Workflow: { Status: 'NOTIFIED' },
        } as AwsSecurityFinding,
      ],
    });
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(planCtx, params());
    expect(plan.changes[0]!.detail).toMatch(
      /updates the finding imported on 2026-11-30T01:00:00.000Z \(workflow NOTIFIED kept\)/,
    );
    const { ctx } = testContext({ now });
    await step.apply(ctx, params(), plan);
    expect(sent()[0]).toMatchObject({
      Id: 'drp/INC-TEST-1/incident',
      CreatedAt: '2026-11-30T01:00:00.000Z',
      UpdatedAt: now().toISOString(),
    });
  });

  it('Security Hub not enabled is not applicable, with the command that enables it', async () => {
    hub.on(DescribeHubCommand).rejects(notEnabled());
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.notApplicable).toBe('Security Hub is not enabled in us-east-1');
    expect(plan.notes).toEqual([
      expect.stringMatching(/aws securityhub enable-security-hub --region us-east-1$/),
    ]);
    expect(hub).toHaveReceivedCommandTimes(GetFindingsCommand, 0);
  });

  it('a 200 answer with FailedFindings fails the step, naming the finding and the reason', async () => {
    hub.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 0,
      FailedCount: 1,
      FailedFindings: [
        {
          Id: 'drp/INC-TEST-1/incident',
          ErrorCode: 'InvalidInput',
          ErrorMessage:
            'Finding does not adhere to Amazon Finding Format. data.Resources should NOT have more than 32 items.',
        },
      ],
    });
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(planCtx, params());
    const { ctx } = testContext({ now });
    const error = await step.apply(ctx, params(), plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as Error).message).toBe(
      'Security Hub refused 1 of 1 finding(s): drp/INC-TEST-1/incident: InvalidInput Finding does not adhere to Amazon Finding Format. data.Resources should NOT have more than 32 items.',
    );
    expect((error as StepFailure).partial.changes).toEqual([]);
  });

  it('imports one finding per version the scan flagged, from its journaled artefact, 100 per call', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drp-shub-'));
    mkdirSync(join(dir, 'artefacts'));
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({
        bucket: 'product-media-prod',
        key: `img/${i}.png`,
        versionId: `v${i}`,
        labels: [{ name: 'Explicit', confidence: 97.25 }],
      }),
    );
    const body = `${lines.join('\n')}\n`;
    writeFileSync(join(dir, 'artefacts/findings.jsonl'), body);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const results = new Map([
      [
        'scan',
        {
          bucket: 'product-media-prod',
          withFindings: 120,
          findings: { path: 'artefacts/findings.jsonl', sha256 },
        },
      ],
    ]);
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const p = params({ findingsFrom: ['scan', 'provenance'] });
    const plan = await step.plan(planCtx, p);
    expect(plan.changes.map((c) => c.action)).toEqual(['import-finding', 'import-scan-findings']);
    const { ctx } = testContext({
      now,
      results,
      settings: { concurrency: 4, evidenceDir: dir, evidenceBucket: 'drp-evidence-123456789012-us-east-1' },
    });
    const applied = await step.apply(ctx, p, plan);
    expect(hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings!.length)).toEqual(
      [100, 21],
    );
    const scan = sent().filter((f) => f.Id!.includes('/scan/'));
    expect(new Set(scan.map((f) => f.Id)).size).toBe(120);
    expect(scan[0]).toMatchObject({
      Types: ['Unusual Behaviors/Data/Synthetic or unsafe media'],
      Resources: [{ Type: 'AwsS3Object', Id: 'arn:aws:s3:::product-media-prod/img/0.png' }],
      Description: expect.stringContaining('version v0 of s3://product-media-prod/img/0.png: Explicit 97.3'),
    });
    expect(applied.data).toMatchObject({ imported: 121, scanFindings: 120 });
  });

  it('refuses a findings artefact edited since the scan journaled it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drp-shub-'));
    mkdirSync(join(dir, 'artefacts'));
    writeFileSync(join(dir, 'artefacts/findings.jsonl'), '{"bucket":"b","key":"k","versionId":"v"}\n');
    const results = new Map([
      [
        'scan',
        {
          bucket: 'b',
          withFindings: 1,
          findings: { path: 'artefacts/findings.jsonl', sha256: '0'.repeat(64) },
        },
      ],
    ]);
    const { ctx } = testContext({
      now,
      results,
      settings: { concurrency: 4, evidenceDir: dir, evidenceBucket: 'e' },
    });
    const plan = {
      observed: {
        enabled: true,
        region: 'us-east-1',
        productArn: PRODUCT,
        incidentFindingId: 'drp/INC-TEST-1/incident',
      },
      changes: [],
    };
    await expect(step.apply(ctx, params({ findingsFrom: ['scan'] }), plan)).rejects.toThrow(
      /changed since the scan wrote it/,
    );
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 0);
  });

  it('enabled: false (--no-securityhub) calls nothing', async () => {
    const { ctx } = testContext({ aws: testPorts(true), now });
    expect(await step.plan(ctx, params({ enabled: false }))).toEqual({
      observed: { enabled: false, region: 'us-east-1' },
      changes: [],
    });
    expect(hub.calls()).toHaveLength(0);
  });
});
