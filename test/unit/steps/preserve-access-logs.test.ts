import {
  CopyObjectCommand,
  GetBucketLoggingCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/preserve-access-logs.js';
import { fakeS3 } from '../../support/fake-s3.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const now = () => new Date('2026-11-02T03:00:00.000Z');
const listed = () =>
  s3
    .commandCalls(ListObjectsV2Command)
    .map((c) => c.args[0].input)
    .filter((i) => i.Bucket === 'media-logs')
    .map((i) => i.Prefix);

describe('preserve-access-logs', () => {
  beforeEach(() => s3.reset());

  it('finds evidence missing when server access logging is off, and has nothing to do', async () => {
    fakeS3(s3, { media: [], [EVIDENCE]: [] });
    s3.on(GetBucketLoggingCommand).resolves({ $metadata: {} });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, { bucket: 'media', since: '7d' });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      'evidence is missing: server access logging is off for media: requests to it (who read what, from which IP) are not logged by S3',
    ]);
  });

  it('lists the day prefixes of the simple layout across a month end and copies the files of the window', async () => {
    s3.on(GetBucketLoggingCommand).resolves({
      LoggingEnabled: { TargetBucket: 'media-logs', TargetPrefix: 'access/' },
    });
    const inside = ['access/2026-10-31-04-00-00-AAAA', 'access/2026-11-02-02-59-00-BBBB'];
    const outside = ['access/2026-10-31-02-00-00-CCCC', 'access/2026-10-30-12-00-00-DDDD'];
    const fake = fakeS3(s3, {
      media: [],
      'media-logs': [...inside, ...outside].map((key) => ({ key, body: key })),
      [EVIDENCE]: [],
    });
    const { ctx, artefacts } = testContext({ now });
    const plan = await step.plan(ctx, { bucket: 'media', since: '47h' });
    expect(listed()).toEqual(['access/2026-10-31-', 'access/2026-11-01-', 'access/2026-11-02-']);
    expect(plan.changes).toEqual([expect.objectContaining({ target: 's3://media-logs/access/', count: 2 })]);
    await step.apply(ctx, { bucket: 'media', since: '47h' }, plan);
    expect(fake.keys(EVIDENCE)).toEqual(
      inside.map((k) => `incidents/INC-TEST-1/access-logs/media-logs/${k}`),
    );
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      ChecksumAlgorithm: 'SHA256',
      ObjectLockLegalHoldStatus: 'ON',
    });
    expect(artefacts.map((a) => a.name)).toEqual(['access-logs-manifest-media.jsonl']);
  });

  it('lists the partitioned layout under account, region and bucket', async () => {
    s3.on(GetBucketLoggingCommand).resolves({
      LoggingEnabled: {
        TargetBucket: 'media-logs',
        TargetPrefix: 'logs/',
        TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
      },
    });
    fakeS3(s3, { media: [], 'media-logs': [], [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    await step.plan(ctx, { bucket: 'media', since: '1d' });
    expect(listed()).toEqual([
      'logs/123456789012/us-east-1/media/2026/11/01/',
      'logs/123456789012/us-east-1/media/2026/11/02/',
    ]);
  });

  it('refuses a bucket that does not exist as a user error', async () => {
    fakeS3(s3, { [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    await expect(step.plan(ctx, { bucket: 'nope-bucket', since: '1d' })).rejects.toMatchObject({
      name: 'UserError',
    });
  });
});
