import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step, { VERSIONING_PROPAGATION } from '../../../src/steps/s3-object-lock.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const params = step.params.parse({ bucket: 'media' });
const notFound = (name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 404 }, message: name });
/** S3's answer to PutObjectLockConfiguration while a new versioning state has not propagated yet. */
const invalidBucketState = () =>
  new S3ServiceException({
    name: 'InvalidBucketState',
    $fault: 'client',
    $metadata: { httpStatusCode: 409, requestId: 'R-409' },
    message: 'The request is not valid with the current state of the bucket.',
  });

function lockOff() {
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).rejects(notFound('ObjectLockConfigurationNotFoundError'));
}
function lockOn(mode: 'GOVERNANCE' | 'COMPLIANCE' = 'GOVERNANCE', days = 30) {
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: mode, Days: days } },
    },
  });
}

const plan = () => step.plan(testContext({ aws: testPorts(true) }).ctx, params);

describe('s3-object-lock plan', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
  });

  it('on a bucket without Object Lock: enables versioning, then Object Lock with the default retention; reads no version', async () => {
    lockOff();
    expect(await plan()).toEqual({
      observed: { bucket: 'media', versioning: null, objectLock: null },
      changes: [
        { action: 'put-bucket-versioning', target: 's3://media', detail: 'Enabled (was: never enabled)' },
        {
          action: 'put-object-lock-configuration',
          target: 's3://media',
          detail: 'GOVERNANCE, default retention 30 days (was: not enabled)',
        },
      ],
    });
    // The versions are s3-legal-holds' business, after the isolation: this plan lists none.
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  });

  it('has nothing to do when Object Lock is on with that retention', async () => {
    lockOn();
    expect((await plan()).changes).toEqual([]);
  });

  it("keeps a bucket's COMPLIANCE default retention instead of weakening it, and says so", async () => {
    lockOn('COMPLIANCE', 7);
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual(["kept the bucket's stronger default retention (COMPLIANCE 7 days)"]);
  });

  it('replaces a shorter GOVERNANCE default retention with retentionDays', async () => {
    lockOn('GOVERNANCE', 1);
    expect((await plan()).changes).toEqual([
      {
        action: 'put-object-lock-configuration',
        target: 's3://media',
        detail: 'GOVERNANCE, default retention 30 days (was: GOVERNANCE 1 day)',
      },
    ]);
  });

  it('reports a missing bucket as a user error naming it', async () => {
    s3.on(HeadBucketCommand).rejects(notFound('NotFound'));
    await expect(plan()).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('"media" does not exist'),
    });
  });
});

describe('s3-object-lock apply', () => {
  const limits = { ...VERSIONING_PROPAGATION };
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutBucketVersioningCommand).resolves({ $metadata: { requestId: 'R-VERSIONING' } });
    s3.on(PutObjectLockConfigurationCommand).resolves({ $metadata: { requestId: 'R-LOCK' } });
    // Short pauses: the bound, not the clock, is what these tests are about.
    Object.assign(VERSIONING_PROPAGATION, { maxMs: 200, firstDelayMs: 5, maxDelayMs: 20 });
  });
  afterEach(() => void Object.assign(VERSIONING_PROPAGATION, limits));

  it('enables versioning, then Object Lock GOVERNANCE with retentionDays, and places no hold', async () => {
    lockOff();
    const p = await plan();
    const applied = await step.apply(testContext().ctx, { ...params, retentionDays: 45 }, p);
    const puts = s3
      .calls()
      .map((c) => (c.args[0] as object).constructor.name)
      .filter((n) => n.startsWith('Put'));
    expect(puts).toEqual(['PutBucketVersioningCommand', 'PutObjectLockConfigurationCommand']);
    expect(s3).toHaveReceivedCommandWith(PutBucketVersioningCommand, {
      Bucket: 'media',
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectLockConfigurationCommand, {
      Bucket: 'media',
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 45 } },
      },
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(applied.changes.map((c) => c.action)).toEqual([
      'put-bucket-versioning',
      'put-object-lock-configuration',
    ]);
    expect(applied.requestIds).toEqual(['R-VERSIONING', 'R-LOCK']);
  });

  it('retries Object Lock while S3 answers InvalidBucketState right after drp enabled versioning', async () => {
    lockOff();
    const p = await plan();
    s3.on(PutObjectLockConfigurationCommand)
      .rejectsOnce(invalidBucketState())
      .rejectsOnce(invalidBucketState())
      .resolves({ $metadata: { requestId: 'R-LOCK' } });
    const applied = await step.apply(testContext().ctx, params, p);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 3);
    expect(applied.requestIds).toEqual(['R-VERSIONING', 'R-LOCK']);
  });

  it('gives up after the bound with StepFailure: versioning enabled, what to do next, the 409 kept', async () => {
    lockOff();
    const p = await plan();
    s3.on(PutObjectLockConfigurationCommand).rejects(invalidBucketState());
    const err = (await step.apply(testContext().ctx, params, p).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.partial.changes.map((c) => c.action)).toEqual(['put-bucket-versioning']);
    const cause = err.cause as S3ServiceException;
    expect(cause.name).toBe('InvalidBucketState');
    expect(cause.$metadata.requestId).toBe('R-409');
    expect(cause.message).toMatch(
      /not valid with the current state.*after drp enabled versioning.*run the same command again with the same --incident/,
    );
    // Bounded: at most a handful of attempts in 200 ms with pauses of 5, 10, 20, 20... ms.
    const attempts = s3.commandCalls(PutObjectLockConfigurationCommand).length;
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(15);
  });

  it('does not retry InvalidBucketState when versioning was already on (nothing is propagating)', async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetObjectLockConfigurationCommand).rejects(notFound('ObjectLockConfigurationNotFoundError'));
    const p = await plan();
    s3.on(PutObjectLockConfigurationCommand).rejects(invalidBucketState());
    await expect(step.apply(testContext().ctx, params, p)).rejects.toBeInstanceOf(StepFailure);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 1);
  });

  it('does not retry any other error', async () => {
    lockOff();
    const p = await plan();
    s3.on(PutObjectLockConfigurationCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );
    await expect(step.apply(testContext().ctx, params, p)).rejects.toBeInstanceOf(StepFailure);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 1);
  });
});
