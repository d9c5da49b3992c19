import {
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/s3-legal-holds.js';
import { deleteMarker, mockHolds, mockListing, version } from '../../support/s3-versions.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const params = step.params.parse({ bucket: 'media' });
const s3Error = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
// S3's answers for a version deleted since it was listed, and for a key with no version left.
const noSuchVersion = () => s3Error('NoSuchVersion', 404, 'The specified version does not exist.');
const noSuchKey = () => s3Error('NoSuchKey', 404, 'The specified key does not exist.');

// Three pages: 5 versions of a, b (overwritten), c, d, and a delete marker on c.
const PAGES = [
  { versions: [version('a', 'a1'), version('b', 'b1')] },
  { versions: [version('b', 'b2'), version('c', 'c1')], deleteMarkers: [deleteMarker('c', 'c-dm')] },
  { versions: [version('d e+f', 'd1')] },
];
// The same bucket when its listing fits in one page.
const ONE_PAGE = [
  {
    versions: PAGES.flatMap((p) => p.versions),
    deleteMarkers: [deleteMarker('c', 'c-dm')],
  },
];

function lockOff() {
  s3.on(GetObjectLockConfigurationCommand).rejects(
    s3Error(
      'ObjectLockConfigurationNotFoundError',
      404,
      'Object Lock configuration does not exist for this bucket',
    ),
  );
}
function lockOn() {
  s3.on(GetObjectLockConfigurationCommand).resolves({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    },
  });
}
function expectNoMutation() {
  expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
}
const held = () =>
  s3
    .commandCalls(PutObjectLegalHoldCommand)
    .map((c) => c.args[0].input.VersionId)
    .sort();
const plan = (p = params) => step.plan(testContext({ aws: testPorts(true) }).ctx, p);
const lines = (content: string) =>
  content
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('s3-legal-holds plan: a bounded look, whatever the size of the bucket', () => {
  beforeEach(() => {
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
  });

  it('a bucket whose listing is one page: the exact count, from that page alone', async () => {
    lockOff();
    mockListing(s3, ONE_PAGE);
    expect(await plan()).toEqual({
      observed: {
        bucket: 'media',
        objectLock: null,
        listed: { versions: 5, deleteMarkers: 1, complete: true },
      },
      changes: [
        {
          action: 'put-legal-hold',
          target: 's3://media',
          detail: '5 versions (1 delete marker skipped)',
          count: 5,
        },
      ],
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 1);
    expectNoMutation();
  });

  it('a larger bucket: reads the first page only, and leaves the count to apply', async () => {
    lockOff();
    mockListing(s3, PAGES);
    const p = await plan();
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 1);
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: 'media', EncodingType: 'url' });
    expect(p.observed.listed).toEqual({ versions: 2, deleteMarkers: 0, complete: false });
    expect(p.changes).toEqual([
      {
        action: 'put-legal-hold',
        target: 's3://media',
        detail: expect.stringMatching(
          /^every version: more than the 2 versions of the first page \(the plan reads one page.*counted while applying/,
        ),
      },
    ]);
    // Without a batch role, the plan says what happens if the bucket turns out to be large.
    expect(p.notes).toEqual([
      expect.stringMatching(/more than 100,000 versions.*--batch-role-arn.*fails, after the isolation steps/),
    ]);
    expectNoMutation();
  });

  it('names the batch role in the open plan, and adds no note, when one is given', async () => {
    lockOff();
    mockListing(s3, PAGES);
    const role = 'arn:aws:iam::123456789012:role/drp-batch';
    const p = await plan(step.params.parse({ bucket: 'media', batchRoleArn: role }));
    expect(p.changes[0]?.detail).toContain(`one S3 Batch Operations job run by ${role}`);
    expect(p.notes).toBeUndefined();
  });

  it('on a re-run (Object Lock on) says held versions are left as they are, and reads no hold in the plan', async () => {
    lockOn();
    mockListing(s3, ONE_PAGE);
    const p = await plan();
    expect(p.changes[0]?.detail).toBe(
      '5 versions (1 delete marker skipped; versions already held are left as they are)',
    );
    expect(s3).toHaveReceivedCommandTimes(GetObjectLegalHoldCommand, 0);
  });

  it('has nothing to do on a bucket without versions', async () => {
    lockOff();
    mockListing(s3, [{ deleteMarkers: [deleteMarker('gone', 'dm')] }]);
    expect((await plan()).changes).toEqual([]);
  });

  it('reports a missing bucket as a user error naming it', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404, 'NotFound'));
    await expect(plan()).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('"media" does not exist'),
    });
  });
});

describe('s3-legal-holds apply (one call per version)', () => {
  beforeEach(() => {
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutObjectLegalHoldCommand).callsFake((input: { VersionId: string }) => ({
      $metadata: { requestId: `R-${input.VersionId}` },
    }));
  });

  it('holds every version of a one-page bucket, no delete marker, one manifest line each', async () => {
    lockOff();
    mockListing(s3, ONE_PAGE);
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, p);
    const calls = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input);
    expect(calls.map((i) => `${i.Key}@${i.VersionId}`).sort()).toEqual([
      'a@a1',
      'b@b1',
      'b@b2',
      'c@c1',
      'd e+f@d1',
    ]);
    expect(calls.every((i) => i.Bucket === 'media' && i.LegalHold?.Status === 'ON')).toBe(true);
    // Object Lock was off at plan time, so no version could hold one: no read per version.
    expect(s3).toHaveReceivedCommandTimes(GetObjectLegalHoldCommand, 0);
    expect(applied.changes).toEqual([
      {
        action: 'put-legal-hold',
        target: 's3://media',
        detail: '5 versions held (1 delete marker skipped); manifest artefacts/legal-holds-media.jsonl',
        count: 5,
      },
    ]);
    expect(applied.data).toMatchObject({
      held: 5,
      alreadyHeld: 0,
      deleteMarkers: 1,
      vanished: 0,
      versions: 5,
    });
    const manifest = artefacts.find((a) => a.name === 'legal-holds-media.jsonl')!;
    expect(manifest.source).toEqual({ uri: 's3://media' });
    expect(lines(manifest.content)).toHaveLength(6);
    expect(lines(manifest.content)).toContainEqual({
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
    expect(lines(manifest.content)).toContainEqual({
      key: 'c',
      versionId: 'c-dm',
      isDeleteMarker: true,
      lastModified: '2026-11-21T00:00:00.000Z',
      heldBefore: false,
      heldNow: false,
    });
  });

  it('finishes the count of a larger bucket while applying, then holds every version on every page', async () => {
    lockOff();
    mockListing(s3, PAGES);
    const p = await plan();
    const bars: { label: string; total?: number; ticks: number; done: boolean }[] = [];
    const progress = {
      start(label: string, total?: number) {
        const bar = { label, total, ticks: 0, done: false };
        bars.push(bar);
        return { tick: (n = 1) => void (bar.ticks += n), done: () => void (bar.done = true) };
      },
    };
    const applied = await step.apply(testContext({ progress }).ctx, params, p);
    expect(held()).toEqual(['a1', 'b1', 'b2', 'c1', 'd1']);
    // 1 page in the plan, 3 to count, 3 to hold.
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 7);
    expect(applied.data).toMatchObject({ held: 5, deleteMarkers: 1 });
    expect(applied.notes).toEqual([
      'counted while applying (the plan read one page): 5 versions and 1 delete marker, held per version',
    ]);
    expect(bars).toEqual([{ label: 'legal holds s3://media', total: 6, ticks: 6, done: true }]);
  });

  it('on a re-run skips versions already held and puts holds only on the others', async () => {
    lockOn();
    mockListing(s3, ONE_PAGE);
    mockHolds(s3, ['a1', 'b2', 'd1']);
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, p);
    expect(held()).toEqual(['b1', 'c1']);
    expect(applied.changes[0]?.detail).toBe(
      '2 versions held (1 delete marker skipped, 3 already held); manifest artefacts/legal-holds-media.jsonl',
    );
    const a1 = lines(artefacts[0]!.content).find((l) => l.versionId === 'a1');
    expect(a1).toMatchObject({ heldBefore: true, heldNow: true });
  });

  it('records a version deleted between listing and hold as vanished, counts it, and holds the rest', async () => {
    lockOff();
    mockListing(s3, ONE_PAGE);
    s3.on(PutObjectLegalHoldCommand, { VersionId: 'b1' }).rejects(noSuchVersion());
    s3.on(PutObjectLegalHoldCommand, { VersionId: 'c1' }).rejects(noSuchKey());
    const p = await plan();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, p);
    expect(held()).toEqual(['a1', 'b1', 'b2', 'c1', 'd1']);
    expect(applied.data).toMatchObject({ held: 3, vanished: 2, versions: 5 });
    expect(applied.changes[0]?.detail).toBe(
      '3 versions held (1 delete marker skipped, 2 vanished between listing and hold); manifest artefacts/legal-holds-media.jsonl',
    );
    expect(applied.notes).toEqual([
      expect.stringMatching(/^2 versions vanished between the listing and its hold/),
    ]);
    const manifest = lines(artefacts[0]!.content);
    expect(manifest.find((l) => l.versionId === 'b1')).toMatchObject({
      heldNow: false,
      vanished: 'NoSuchVersion',
    });
    expect(manifest.find((l) => l.versionId === 'c1')).toMatchObject({
      heldNow: false,
      vanished: 'NoSuchKey',
    });
  });

  it('a version gone when its hold is read (re-run) is vanished too', async () => {
    lockOn();
    mockListing(s3, ONE_PAGE);
    mockHolds(s3, []);
    s3.on(GetObjectLegalHoldCommand, { VersionId: 'a1' }).rejects(noSuchVersion());
    const applied = await step.apply(testContext().ctx, params, await plan());
    expect(held()).toEqual(['b1', 'b2', 'c1', 'd1']);
    expect(applied.data).toMatchObject({ held: 4, vanished: 1 });
  });

  it('fails part-way on any other error with StepFailure saying how many holds were placed, and keeps the manifest', async () => {
    lockOff();
    mockListing(s3, ONE_PAGE);
    const denied = s3Error('AccessDenied', 403, 'Access Denied');
    s3.on(PutObjectLegalHoldCommand, { VersionId: 'b2' }).rejects(denied);
    const p = await plan();
    const { ctx, artefacts } = testContext({ settings: { ...testContext().ctx.settings, concurrency: 1 } });
    const err = (await step.apply(ctx, params, p).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.cause).toBe(denied);
    expect(err.partial.changes).toEqual([
      expect.objectContaining({
        detail: expect.stringMatching(/^2 of 5 versions held before the failure/),
        count: 2,
      }),
    ]);
    expect(err.partial.data).toMatchObject({ held: 2 });
    expect(artefacts[0]!.content).toMatch(/"versionId":"b2".*"heldNow":false,"error":"AccessDenied"/);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 3);
  });

  it('keeps only a sample of request ids for the journal: every one is in the manifest', async () => {
    lockOff();
    mockListing(s3, [{ versions: Array.from({ length: 40 }, (_, i) => version(`k${i}`, `v${i}`)) }]);
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, await plan());
    expect(applied.requestIds).toHaveLength(10);
    expect(artefacts[0]!.content.match(/"requestId":"R-v\d+"/g)).toHaveLength(40);
  });
});
