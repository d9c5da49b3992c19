import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/evidence-bucket.js';
import { StepFailure } from '../../../src/steps/define.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const BUCKET = 'drp-evidence-123456789012-us-east-1';
const awsError = (name: string, status: number, message = name) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });

/** A rule the evidence bucket already had: it must go back to S3 exactly as it was. */
const THEIRS: LifecycleRule = {
  ID: 'abort-multipart',
  Status: 'Enabled',
  Filter: { Prefix: '' },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
};

const ARCHIVE_RULE: LifecycleRule = {
  ID: 'drp-archive-INC-TEST-1',
  Status: 'Enabled',
  Filter: { Prefix: 'incidents/INC-TEST-1/' },
  Transitions: [{ Days: 30, StorageClass: 'GLACIER' }],
  NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: 'GLACIER' }],
};

const existingLockedBucket = () => {
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
    },
  });
};

describe('evidence-bucket: the archive rule (archiveAfterDays)', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({ $metadata: { requestId: 'LC1' } });
  });

  it('plans the rule on an existing bucket with the retrieval time, without a mutating call', async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [THEIRS] });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, step.params.parse({}));
    expect(plan.changes).toEqual([
      {
        action: 'put-lifecycle-configuration',
        target: `s3://${BUCKET}/incidents/INC-TEST-1/`,
        detail:
          "rule drp-archive-INC-TEST-1: every version to S3 Glacier Flexible Retrieval after 30 day(s), no expiration (retention and legal holds stay); reading it back then takes a restore: expedited 1-5 minutes, standard 3-5 hours, bulk 5-12 hours; the bucket's 1 other lifecycle rule(s) kept as they are",
      },
    ]);
    expect(plan.observed.lifecycle).toEqual({ rules: [THEIRS] });
    expect(plan.notes).toEqual([
      expect.stringMatching(/objects under 128 KB .* stay in S3 Standard/),
      expect.stringMatching(
        /at least 90 days of storage .* drp verify --anchor of an archived run needs the journal restored first/,
      ),
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutBucketLifecycleConfigurationCommand, 0);
  });

  it('states Deep Archive retrieval (12 to 48 hours) and its 180-day minimum when asked for it', async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(awsError('NoSuchLifecycleConfiguration', 404));
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(
      ctx,
      step.params.parse({ archiveAfterDays: 90, archiveClass: 'DEEP_ARCHIVE' }),
    );
    expect(plan.changes[0]!.detail).toMatch(
      /S3 Glacier Deep Archive after 90 day\(s\).*standard within 12 hours, bulk within 48 hours$/,
    );
    expect(plan.notes![1]).toMatch(/at least 180 days/);
    expect(plan.observed.lifecycle).toBeNull();
  });

  it('puts every existing rule back unchanged, with the transition-only rule added and the size default kept', async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [THEIRS],
      TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
    });
    const { ctx } = testContext();
    const p = step.params.parse({});
    const applied = await step.apply(ctx, p, await step.plan(ctx, p));
    expect(s3).toHaveReceivedCommandWith(PutBucketLifecycleConfigurationCommand, {
      Bucket: BUCKET,
      LifecycleConfiguration: { Rules: [THEIRS, ARCHIVE_RULE] },
      TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
    });
    const sent = s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input;
    const mine = sent.LifecycleConfiguration!.Rules!.find((r) => r.ID === ARCHIVE_RULE.ID)!;
    // drp's rule never deletes: no expiration of any kind.
    expect(Object.keys(mine).filter((k) => /Expiration|Abort/.test(k))).toEqual([]);
    expect(applied.requestIds).toEqual(['LC1']);
    expect(applied.data).toMatchObject({
      archive: {
        ruleId: 'drp-archive-INC-TEST-1',
        afterDays: 30,
        storageClass: 'GLACIER',
        previousRules: [THEIRS],
      },
    });
  });

  it('has nothing to do when the bucket already has that rule (a re-run)', async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [THEIRS, ARCHIVE_RULE] });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, step.params.parse({}));
    expect(plan.changes).toEqual([]);
  });

  it('replaces its own rule in place when the days change, keeping the others in their order', async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [ARCHIVE_RULE, THEIRS] });
    const { ctx } = testContext();
    const p = step.params.parse({ archiveAfterDays: 60 });
    await step.apply(ctx, p, await step.plan(ctx, p));
    const rules = s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input
      .LifecycleConfiguration!.Rules!;
    expect(rules.map((r) => r.ID)).toEqual(['drp-archive-INC-TEST-1', 'abort-multipart']);
    expect(rules[0]!.Transitions).toEqual([{ Days: 60, StorageClass: 'GLACIER' }]);
  });

  it('archiveAfterDays 0 reads and writes no lifecycle configuration', async () => {
    existingLockedBucket();
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, step.params.parse({ archiveAfterDays: 0 }));
    expect(plan.changes).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(GetBucketLifecycleConfigurationCommand, 0);
  });

  it('adds the rule after creating a new bucket', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(awsError('NoSuchLifecycleConfiguration', 404));
    s3.on(CreateBucketCommand).resolves({});
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(PutBucketEncryptionCommand).resolves({});
    s3.on(PutObjectLockConfigurationCommand).resolves({});
    const { ctx } = testContext();
    const p = step.params.parse({});
    const plan = await step.plan(ctx, p);
    expect(plan.changes.map((c) => c.action)).toEqual([
      'create-evidence-bucket',
      'put-lifecycle-configuration',
    ]);
    await step.apply(ctx, p, plan);
    expect(s3).toHaveReceivedCommandWith(PutBucketLifecycleConfigurationCommand, {
      LifecycleConfiguration: { Rules: [ARCHIVE_RULE] },
    });
  });

  it("fails with S3's error when the lifecycle configuration is refused, the bucket's other settings untouched", async () => {
    existingLockedBucket();
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [THEIRS] });
    // What S3 answers a configuration it rejects (e.g. more than 1,000 rules).
    s3.on(PutBucketLifecycleConfigurationCommand).rejects(
      awsError(
        'MalformedXML',
        400,
        'The XML you provided was not well-formed or did not validate against our published schema',
      ),
    );
    const { ctx } = testContext();
    const p = step.params.parse({});
    const error = await step.apply(ctx, p, await step.plan(ctx, p)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).message).toMatch(/not well-formed/);
    expect((error as StepFailure).partial.changes).toEqual([]);
  });
});
