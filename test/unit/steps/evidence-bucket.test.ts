import {
  CreateBucketCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/evidence-bucket.js';
import { StepFailure } from '../../../src/steps/define.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const BUCKET = 'drp-evidence-123456789012-us-east-1';
const awsError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
// The archive rule (archiveAfterDays) has its own tests: evidence-bucket-archive.test.ts.
const params = step.params.parse({ archiveAfterDays: 0 });

describe('evidence-bucket', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    s3.on(CreateBucketCommand).resolves({ $metadata: { requestId: 'C1' } });
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'P1' } });
    s3.on(PutBucketEncryptionCommand).resolves({ $metadata: { requestId: 'E1' } });
    s3.on(PutObjectLockConfigurationCommand).resolves({ $metadata: { requestId: 'L1' } });
  });

  it('plans to create a missing bucket with its whole protection, without a mutating call', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, params);
    expect(plan).toEqual({
      observed: { bucket: BUCKET, exists: false, objectLock: null },
      changes: [
        {
          action: 'create-evidence-bucket',
          target: `s3://${BUCKET}`,
          detail:
            'in us-east-1: Object Lock with default retention GOVERNANCE 365 days, versioning, Block Public Access, SSE-S3',
        },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(CreateBucketCommand, 0);
  });

  it('creates it with Object Lock, Block Public Access, SSE-S3 and a 365-day GOVERNANCE retention', async () => {
    const { ctx } = testContext();
    const applied = await step.apply(ctx, params, await step.plan(ctx, params));
    expect(s3).toHaveReceivedCommandWith(CreateBucketCommand, {
      Bucket: BUCKET,
      ObjectLockEnabledForBucket: true,
    });
    expect(s3.commandCalls(CreateBucketCommand)[0]!.args[0].input.CreateBucketConfiguration).toBeUndefined();
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(s3).toHaveReceivedCommandWith(PutBucketEncryptionCommand, {
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectLockConfigurationCommand, {
      Bucket: BUCKET,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
      },
    });
    expect(applied.requestIds).toEqual(['C1', 'P1', 'E1', 'L1']);
  });

  it('names the region outside us-east-1, and takes COMPLIANCE, the days and a KMS key when asked', async () => {
    const { ctx } = testContext({ region: 'eu-west-1' });
    const kms = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const p = step.params.parse({
      retentionDays: 2555,
      lockMode: 'COMPLIANCE',
      kmsKeyId: kms,
      archiveAfterDays: 0,
    });
    await step.apply(ctx, p, await step.plan(ctx, p));
    expect(s3).toHaveReceivedCommandWith(CreateBucketCommand, {
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    });
    expect(s3).toHaveReceivedCommandWith(PutBucketEncryptionCommand, {
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kms },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectLockConfigurationCommand, {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
      },
    });
  });

  it('has nothing to do for an existing bucket with Object Lock, and notes a missing default retention', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, params);
    expect(plan.changes).toEqual([]);
    expect(plan.observed.objectLock).toEqual({ enabled: true });
    expect(plan.notes).toEqual([expect.stringContaining('no default retention')]);
  });

  it('refuses an existing bucket without Object Lock, saying why and what to do, changing nothing', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).rejects(awsError('ObjectLockConfigurationNotFoundError', 404));
    const { ctx } = testContext({ aws: testPorts(true) });
    const refused = step.plan(ctx, params);
    await expect(refused).rejects.toMatchObject({ name: 'EvidenceBucketRefused' });
    await expect(refused).rejects.toThrow(
      new RegExp(`"${BUCKET}" exists without Object Lock.*--evidence-bucket NAME`),
    );
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
  });

  it('refuses a bucket name this caller cannot use (another account owns it)', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('Forbidden', 403));
    const { ctx } = testContext({ aws: testPorts(true) });
    await expect(step.plan(ctx, params)).rejects.toThrow(/cannot use it.*--evidence-bucket NAME/);
  });

  it('fails part-way with what was done: the bucket created, the retention not set', async () => {
    s3.on(PutObjectLockConfigurationCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testContext();
    const error = await step.apply(ctx, params, await step.plan(ctx, params)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).partial.changes.map((c) => c.action)).toEqual([
      'create-bucket',
      'put-public-access-block',
      'put-bucket-encryption',
    ]);
  });
});
