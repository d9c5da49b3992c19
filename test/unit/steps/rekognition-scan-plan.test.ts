import {
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  RekognitionClient,
  StartProjectVersionCommand,
} from '@aws-sdk/client-rekognition';
import {
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/rekognition-scan.js';
import { awsError, MODEL_ARN, PROJECT_ARN, version } from '../../support/scan-fixtures.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const rekognition = mockClient(RekognitionClient);
const MiB = 1024 * 1024;
const base = {
  bucket: 'media',
  prefix: '',
  since: '',
  minConfidence: 80,
  labels: [],
  customLabelsModel: '',
  customLabels: [],
  maxTps: 10,
  enabled: true,
};
const planCtx = () => testContext({ aws: testPorts(true) }).ctx;

describe('rekognition-scan plan', () => {
  beforeEach(() => {
    s3.reset();
    rekognition.reset();
    s3.on(HeadBucketCommand).resolves({});
  });

  it('counts JPEG and PNG current versions up to 15 MB as scannable, the rest as skipped with the reason, calling no Rekognition', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        version('a.jpg'),
        version('a.jpg', { versionId: 'old', latest: false }),
        version('shots/b.PNG'),
        version('c.jpeg', { size: 15 * MiB }),
        version('notes.txt'),
        version('clip.mp4'),
        version('huge.png', { size: 15 * MiB + 1 }),
        version('empty.jpg', { size: 0 }),
        version('uploads/7f3a'),
        version('uploads/9b2c'),
      ],
    });
    s3.on(HeadObjectCommand, { Key: 'uploads/7f3a' }).resolves({ ContentType: 'image/png' });
    s3.on(HeadObjectCommand, { Key: 'uploads/9b2c' }).resolves({ ContentType: 'application/octet-stream' });

    const plan = await step.plan(planCtx(), base);

    expect(plan.observed).toEqual({
      bucket: 'media',
      prefix: '',
      since: null,
      listed: 9,
      scannable: 4,
      skipped: { 'not JPEG or PNG': 3, 'larger than 15 MB (Rekognition limit)': 1, 'empty (0 bytes)': 1 },
      customLabelsModel: null,
    });
    expect(plan.changes).toEqual([
      {
        action: 'scan-images',
        target: 's3://media/',
        detail: '4 JPEG/PNG image(s) (current versions): ~4 Rekognition call(s), ~1s at 10 calls/s',
        count: 4,
      },
    ]);
    expect(plan.notes).toEqual([
      'not scanned: not JPEG or PNG 3, larger than 15 MB (Rekognition limit) 1, empty (0 bytes) 1',
    ]);
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, {
      Key: 'uploads/7f3a',
      VersionId: 'v-uploads/7f3a',
    });
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('prices the scan: calls, and the time they take at --max-tps', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: Array.from({ length: 1500 }, (_, i) => version(`img/${i}.jpg`)),
    });
    const plan = await step.plan(planCtx(), { ...base, maxTps: 5 });
    expect(plan.changes[0]?.detail).toBe(
      '1500 JPEG/PNG image(s) (current versions): ~1500 Rekognition call(s), ~5 min at 5 calls/s',
    );
  });

  it('with since, lists every version written from then on (current or not), resolving "24h" once against the clock', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        version('a.jpg', { modified: '2026-11-25T01:00:00Z' }),
        version('a.jpg', { versionId: 'older', latest: false, modified: '2026-11-24T04:00:00Z' }),
        version('b.jpg', { modified: '2026-11-24T02:59:59Z' }),
      ],
    });
    const plan = await step.plan(planCtx(), { ...base, since: '24h', prefix: 'shots/' });
    expect(plan.observed).toMatchObject({ since: '2026-11-24T03:00:00.000Z', listed: 2, scannable: 2 });
    expect(plan.changes[0]?.detail).toMatch(/\(versions written since 2026-11-24T03:00:00.000Z\)/);
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: 'media', Prefix: 'shots/' });
  });

  it('follows the listing page by page with both markers', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [version('a.jpg')],
        IsTruncated: true,
        NextKeyMarker: 'a.jpg',
        NextVersionIdMarker: 'v-a.jpg',
      })
      .resolvesOnce({ Versions: [version('b.jpg')] });
    const plan = await step.plan(planCtx(), base);
    expect(plan.observed.scannable).toBe(2);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 2, {
      KeyMarker: 'a.jpg',
      VersionIdMarker: 'v-a.jpg',
    });
  });

  it('plans nothing, saying so, when no image is there', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [version('readme.md')] });
    const plan = await step.plan(planCtx(), base);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      'no JPEG or PNG image to scan among 1 current versions',
      'not scanned: not JPEG or PNG 1',
    ]);
  });

  it('refuses a bucket that does not exist (exit 2) before listing', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    await expect(step.plan(planCtx(), base)).rejects.toMatchObject({
      name: 'UserError',
      message: 'bucket "media" does not exist (or is in another account)',
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 0);
  });

  describe('with a custom labels model', () => {
    beforeEach(() => {
      s3.on(ListObjectVersionsCommand).resolves({ Versions: [version('a.jpg'), version('b.png')] });
      rekognition
        .on(DescribeProjectsCommand)
        .resolves({ ProjectDescriptions: [{ ProjectArn: PROJECT_ARN }] });
    });

    it('checks the model version is RUNNING (two reads) and counts two calls per image', async () => {
      rekognition
        .on(DescribeProjectVersionsCommand)
        .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: MODEL_ARN, Status: 'RUNNING' }] });
      const plan = await step.plan(planCtx(), { ...base, customLabelsModel: MODEL_ARN });
      expect(plan.observed.customLabelsModel).toEqual({ arn: MODEL_ARN, status: 'RUNNING' });
      expect(plan.changes[0]?.detail).toMatch(/2 JPEG\/PNG image\(s\) .*~4 Rekognition call\(s\)/);
      expect(rekognition).toHaveReceivedCommandWith(DescribeProjectsCommand, {
        ProjectNames: ['synthetic-detector'],
      });
      expect(rekognition).toHaveReceivedCommandWith(DescribeProjectVersionsCommand, {
        ProjectArn: PROJECT_ARN,
        VersionNames: ['synthetic-detector.2026-11-01T10.00.00'],
      });
    });

    it('fails on a STOPPED model, saying how to start it, and never starts it itself', async () => {
      rekognition
        .on(DescribeProjectVersionsCommand)
        .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: MODEL_ARN, Status: 'STOPPED' }] });
      const err = await step
        .plan(planCtx(), { ...base, customLabelsModel: MODEL_ARN })
        .catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'ModelNotRunning' });
      expect((err as Error).message).toBe(
        `custom labels model is STOPPED, not RUNNING: start it with \`aws rekognition start-project-version --project-version-arn ${MODEL_ARN} --min-inference-units 1\`, wait until it is RUNNING, then run the scan again. drp does not start models: a running model is billed per inference-unit hour, so stop it afterwards (stop-project-version)`,
      );
      expect(rekognition).toHaveReceivedCommandTimes(StartProjectVersionCommand, 0);
      expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 0);
    });

    it('on a STARTING model, says to wait', async () => {
      rekognition
        .on(DescribeProjectVersionsCommand)
        .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: MODEL_ARN, Status: 'STARTING' }] });
      await expect(step.plan(planCtx(), { ...base, customLabelsModel: MODEL_ARN })).rejects.toThrow(
        'custom labels model is STARTING, not RUNNING: wait until it is RUNNING, then run the scan again',
      );
    });

    it('refuses a model version that does not exist (exit 2)', async () => {
      rekognition.on(DescribeProjectVersionsCommand).resolves({ ProjectVersionDescriptions: [] });
      await expect(step.plan(planCtx(), { ...base, customLabelsModel: MODEL_ARN })).rejects.toMatchObject({
        name: 'UserError',
        message: expect.stringMatching(/^custom labels model arn:.* does not exist/),
      });
    });
  });
});
