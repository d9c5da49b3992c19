import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/s3-block-public-access.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const noConfig = new S3ServiceException({
  name: 'NoSuchPublicAccessBlockConfiguration',
  $fault: 'client',
  $metadata: { httpStatusCode: 404 },
  message: 'none',
});

describe('s3-block-public-access', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
  });

  it('plans all four settings on when none is set, and records "none set" as the before-state', async () => {
    s3.on(GetPublicAccessBlockCommand).rejects(noConfig);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media' });
    expect(plan).toEqual({
      observed: { bucket: 'media', publicAccessBlock: null },
      changes: [
        {
          action: 'put-public-access-block',
          target: 's3://media',
          detail: 'all four settings on (was: none set)',
        },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
  });

  it('plans nothing when all four settings are already on', async () => {
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    expect((await step.plan(ctx, { bucket: 'media' })).changes).toEqual([]);
  });

  it('turns on a setting that is partly off, keeping the old values as observed', async () => {
    const partial = {
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: false,
    };
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: partial });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media' });
    expect(plan.observed).toEqual({ bucket: 'media', publicAccessBlock: partial });
    expect(plan.changes).toHaveLength(1);
  });

  it('applies all four settings and returns the request id', async () => {
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'REQ1' } });
    const { ctx } = testContext();
    const plan = {
      observed: { bucket: 'media', publicAccessBlock: null },
      changes: [{ action: 'put-public-access-block', target: 's3://media' }],
    };
    const applied = await step.apply(ctx, { bucket: 'media' }, plan);
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: 'media',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(applied.requestIds).toEqual(['REQ1']);
  });

  it('reports a missing bucket as a user error naming it', async () => {
    s3.on(HeadBucketCommand).rejects(
      new S3ServiceException({
        name: 'NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
    const { ctx } = testContext({ aws: testPorts(true) });
    await expect(step.plan(ctx, { bucket: 'nope-bucket' })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('"nope-bucket" does not exist'),
    });
  });
});

describe('s3-block-public-access restore', () => {
  const restore = step.restore!;
  const PARTIAL = {
    BlockPublicAcls: true,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: true,
  };
  const ALL_ON = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  const contained = (before: typeof PARTIAL | null) =>
    recordedOf({ bucket: 'media' }, { bucket: 'media', publicAccessBlock: before }, {});
  const plan = (before: typeof PARTIAL | null) =>
    restore.plan(testContext({ aws: testPorts(true) }).ctx, contained(before), DEFAULTS);

  beforeEach(() => {
    s3.reset();
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_ON });
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R-PUT' } });
    s3.on(DeletePublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R-DEL' } });
  });

  it('puts back the partial configuration the run found, exactly', async () => {
    const p = await plan(PARTIAL);
    expect(p).toMatchObject({
      before: PARTIAL,
      drift: [],
      changes: [{ action: 'put-public-access-block', target: 's3://media' }],
    });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
    const applied = await restore.apply(testContext().ctx, contained(PARTIAL), p);
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: 'media',
      PublicAccessBlockConfiguration: PARTIAL,
    });
    expect(s3).toHaveReceivedCommandTimes(DeletePublicAccessBlockCommand, 0);
    expect(applied.requestIds).toEqual(['R-PUT']);
  });

  it('deletes the configuration when none was set before the run', async () => {
    const p = await plan(null);
    expect(p.changes).toEqual([
      { action: 'delete-public-access-block', target: 's3://media', detail: 'none was set before drp' },
    ]);
    await restore.apply(testContext().ctx, contained(null), p);
    expect(s3).toHaveReceivedCommandWith(DeletePublicAccessBlockCommand, { Bucket: 'media' });
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
  });

  it('has nothing to put back when the live configuration is already the before-state', async () => {
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: PARTIAL });
    expect(await plan(PARTIAL)).toMatchObject({ changes: [], drift: [] });
  });

  it('warns of drift when the live configuration is no longer all four on', async () => {
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { ...ALL_ON, BlockPublicPolicy: false },
    });
    const p = await plan(PARTIAL);
    expect(p.drift).toEqual([
      expect.stringMatching(/BlockPublicPolicy=false .*not all four on as drp left it/),
    ]);
    expect(p.changes).toHaveLength(1);
  });
});
