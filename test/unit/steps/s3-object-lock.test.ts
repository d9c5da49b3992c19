import {
  GetBucketVersioningCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/s3-object-lock.js';
import { deleteMarker, mockHolds, mockListing, version } from '../../support/s3-versions.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const params = step.params.parse({ bucket: 'media' });
const notFound = (name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 404 }, message: name });

// Three pages: 5 versions of a, b (overwritten), c, d, and a delete marker on c.
const PAGES = [
  { versions: [version('a', 'a1'), version('b', 'b1')] },
  { versions: [version('b', 'b2'), version('c', 'c1')], deleteMarkers: [deleteMarker('c', 'c-dm')] },
  { versions: [version('d e+f', 'd1')] },
];

function lockOff() {
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).rejects(notFound('ObjectLockConfigurationNotFoundError'));
}
function lockOn() {
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    },
  });
}

function expectNoMutation() {
  expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
  expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
  expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
}

const plan = () => step.plan(testContext({ aws: testPorts(true) }).ctx, params);

describe('s3-object-lock plan', () => {
  beforeEach(() => {
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
    mockListing(s3, PAGES);
  });

  it('on a bucket without Object Lock: enables versioning and Object Lock, counts versions across pages, reads no hold', async () => {
    lockOff();
    expect(await plan()).toEqual({
      observed: {
        bucket: 'media',
        versioning: null,
        objectLock: null,
        versions: 5,
        deleteMarkers: 1,
        alreadyHeld: 0,
        holds: 'per-version',
      },
      changes: [
        { action: 'put-bucket-versioning', target: 's3://media', detail: 'Enabled (was: never enabled)' },
        {
          action: 'put-object-lock-configuration',
          target: 's3://media',
          detail: 'GOVERNANCE, default retention 30 days (was: not enabled)',
        },
        {
          action: 'put-legal-hold',
          target: 's3://media',
          detail: '5 versions (1 delete marker skipped)',
          count: 5,
        },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 3);
    expect(s3).toHaveReceivedCommandTimes(GetObjectLegalHoldCommand, 0);
    expectNoMutation();
  });

  it('on a re-run (Object Lock on) checks each version and plans holds only for the ones without', async () => {
    lockOn();
    mockHolds(s3, ['a1', 'b1', 'c1']);
    const p = await plan();
    expect(p.changes).toEqual([
      {
        action: 'put-legal-hold',
        target: 's3://media',
        detail: '2 versions (1 delete marker skipped, 3 already held)',
        count: 2,
      },
    ]);
    expect(p.observed).toMatchObject({ alreadyHeld: 3, versions: 5 });
    expect(s3).toHaveReceivedCommandTimes(GetObjectLegalHoldCommand, 5);
    expectNoMutation();
  });

  it('has nothing to do when Object Lock is on with the retention and every version is held', async () => {
    lockOn();
    mockHolds(s3, ['a1', 'b1', 'b2', 'c1', 'd1']);
    expect((await plan()).changes).toEqual([]);
  });

  it("keeps a bucket's COMPLIANCE default retention instead of weakening it, and says so", async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 } },
      },
    });
    mockHolds(s3, []);
    const p = await plan();
    expect(p.changes.map((c) => c.action)).toEqual(['put-legal-hold']);
    expect(p.notes).toEqual(["kept the bucket's stronger default retention (COMPLIANCE 7 days)"]);
  });

  it('replaces a shorter GOVERNANCE default retention with retentionDays', async () => {
    lockOn();
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    });
    mockHolds(s3, ['a1', 'b1', 'b2', 'c1', 'd1']);
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

describe('s3-object-lock apply (one call per version)', () => {
  beforeEach(() => {
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
    mockListing(s3, PAGES);
    s3.on(PutBucketVersioningCommand).resolves({ $metadata: { requestId: 'R-VERSIONING' } });
    s3.on(PutObjectLockConfigurationCommand).resolves({ $metadata: { requestId: 'R-LOCK' } });
    s3.on(PutObjectLegalHoldCommand).callsFake((input: { VersionId: string }) => ({
      $metadata: { requestId: `R-${input.VersionId}` },
    }));
  });

  it('enables versioning, then Object Lock GOVERNANCE, then holds every version on every page and no delete marker', async () => {
    lockOff();
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, { ...params, retentionDays: 45 }, p);

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
    const held = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input);
    expect(held.map((i) => `${i.Key}@${i.VersionId}`).sort()).toEqual([
      'a@a1',
      'b@b1',
      'b@b2',
      'c@c1',
      'd e+f@d1',
    ]);
    expect(held.every((i) => i.Bucket === 'media' && i.LegalHold?.Status === 'ON')).toBe(true);
    // Object Lock was off at plan time, so no version could hold one: no read per version.
    expect(s3).toHaveReceivedCommandTimes(GetObjectLegalHoldCommand, 0);

    expect(applied.changes.at(-1)).toEqual({
      action: 'put-legal-hold',
      target: 's3://media',
      detail: '5 versions held (1 delete marker skipped); manifest artefacts/legal-holds-media.jsonl',
      count: 5,
    });
    expect(applied.requestIds.slice(0, 2)).toEqual(['R-VERSIONING', 'R-LOCK']);
    expect(applied.data).toMatchObject({ held: 5, alreadyHeld: 0, deleteMarkers: 1, versions: 5 });

    const manifest = artefacts.find((a) => a.name === 'legal-holds-media.jsonl')!;
    expect(manifest.source).toEqual({ uri: 's3://media' });
    const lines = manifest.content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    expect(lines).toContainEqual({
      key: 'b',
      versionId: 'b2',
      isDeleteMarker: false,
      lastModified: '2026-11-20T00:00:00.000Z',
      size: 10,
      etag: 'etag-b2',
      checksumAlgorithm: ['CRC32'],
      heldBefore: false,
      heldNow: true,
      requestId: 'R-b2',
    });
    expect(lines).toContainEqual({
      key: 'c',
      versionId: 'c-dm',
      isDeleteMarker: true,
      lastModified: '2026-11-21T00:00:00.000Z',
      heldBefore: false,
      heldNow: false,
    });
  });

  it('on a re-run skips versions already held and puts holds only on the others', async () => {
    lockOn();
    mockHolds(s3, ['a1', 'b2', 'd1']);
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, p);
    const held = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input.VersionId);
    expect(held.sort()).toEqual(['b1', 'c1']);
    expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
    expect(applied.changes).toEqual([
      {
        action: 'put-legal-hold',
        target: 's3://media',
        detail:
          '2 versions held (1 delete marker skipped, 3 already held); manifest artefacts/legal-holds-media.jsonl',
        count: 2,
      },
    ]);
    const a1 = artefacts[0]!.content.split('\n').find((l) => l.includes('"a1"'));
    expect(JSON.parse(a1!)).toMatchObject({ heldBefore: true, heldNow: true });
  });

  it('keeps only a sample of request ids for the journal: every one is in the manifest', async () => {
    lockOff();
    mockListing(s3, [{ versions: Array.from({ length: 40 }, (_, i) => version(`k${i}`, `v${i}`)) }]);
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, p);
    expect(applied.requestIds).toHaveLength(12);
    expect(artefacts[0]!.content.match(/"requestId":"R-v\d+"/g)).toHaveLength(40);
  });

  it('shows progress over every version (not delete markers) and closes it', async () => {
    lockOff();
    const p = await plan();
    const bars: { label: string; total?: number; ticks: number; done: boolean }[] = [];
    const progress = {
      start(label: string, total?: number) {
        const bar = { label, total, ticks: 0, done: false };
        bars.push(bar);
        return { tick: (n = 1) => void (bar.ticks += n), done: () => void (bar.done = true) };
      },
    };
    await step.apply(testContext({ progress }).ctx, params, p);
    expect(bars).toEqual([{ label: 'legal holds s3://media', total: 5, ticks: 5, done: true }]);
  });

  it('fails part-way with StepFailure saying how many holds were placed, and keeps the manifest', async () => {
    lockOff();
    const p = await plan();
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'Access Denied',
    });
    s3.on(PutObjectLegalHoldCommand, { VersionId: 'b2' }).rejects(denied);
    const { ctx, artefacts } = testContext({
      settings: { ...testContext().ctx.settings, concurrency: 1 },
    });
    const err = await step.apply(ctx, params, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    const failure = err as StepFailure;
    expect(failure.cause).toBe(denied);
    expect(failure.partial.changes.map((c) => c.action)).toEqual([
      'put-bucket-versioning',
      'put-object-lock-configuration',
      'put-legal-hold',
    ]);
    expect(failure.partial.changes[2]).toMatchObject({
      detail: expect.stringMatching(/^2 of 5 versions held before the failure/),
      count: 2,
    });
    expect(failure.partial.data).toMatchObject({ held: 2 });
    expect(artefacts[0]!.content).toMatch(/"versionId":"b2".*"heldNow":false,"error":"AccessDenied"/);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 3);
  });

  it('fails with StepFailure naming what was done when Object Lock cannot be enabled', async () => {
    lockOff();
    const p = await plan();
    s3.on(PutObjectLockConfigurationCommand).rejects(new Error('InvalidBucketState'));
    const err = (await step.apply(testContext().ctx, params, p).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.partial.changes.map((c) => c.action)).toEqual(['put-bucket-versioning']);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  });
});
