import {
  CopyObjectCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  paginateListObjectsV2,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '../../../bench/fake-s3.js';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const s3For = (fake: FakeS3) =>
  new S3Client({
    region: 'us-east-1',
    endpoint: fake.url,
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
  });

/** Each page of ListObjectVersions, following NextKeyMarker / NextVersionIdMarker (this SDK has no paginator for it). */
async function* versionPages(s3: S3Client, bucket: string, pageSize: number) {
  let markers = {};
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: pageSize, ...markers }),
    );
    yield page;
    if (!page.IsTruncated) return;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
}

/** Every "key versionId kind" listed, in order. */
async function listAll(s3: S3Client, bucket: string, pageSize: number) {
  const seen: string[] = [];
  for await (const page of versionPages(s3, bucket, pageSize)) {
    // The XML interleaves versions and markers; the SDK splits them, so merge back by version id.
    const entries = [
      ...(page.Versions ?? []).map((v) => `${v.Key} ${v.VersionId} version`),
      ...(page.DeleteMarkers ?? []).map((m) => `${m.Key} ${m.VersionId} marker`),
    ].sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!));
    seen.push(...entries);
  }
  return seen;
}

describe('fake S3 listing', () => {
  let fake: FakeS3;
  let s3: S3Client;
  beforeAll(async () => {
    fake = await startFakeS3({ latencyMs: 0, versions: 2345, versionsPerKey: 3, deleteMarkerEvery: 4 });
    s3 = s3For(fake);
  });
  afterAll(() => fake.close());

  // 335 pages over loopback HTTP: well under a second alone, more on a loaded machine.
  it(
    'paginates every version and delete marker exactly once, with pages cutting through a key',
    { timeout: 30_000 },
    async () => {
      const seen = await listAll(s3, 'bench-media', 7);
      expect(seen).toHaveLength(2345);
      expect(new Set(seen).size).toBe(2345);
      expect(seen[0]).toBe('media/clip-000000000.mp4 v0000000000 marker');
      expect(seen[1]).toBe('media/clip-000000000.mp4 v0000000001 version');
      expect(seen.at(-1)).toBe('media/clip-000000781.mp4 v0000002344 version');
      // Every 4th key's newest entry is a marker: keys 0, 4, ..., 780.
      expect(seen.filter((s) => s.endsWith('marker'))).toHaveLength(196);
      expect(fake.stats().ops['S3.ListObjectVersions']).toBe(Math.ceil(2345 / 7));
    },
  );

  it('returns the markers of the next page and flags the newest version of each key', async () => {
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: 'bench-media', MaxKeys: 4 }));
    expect(out).toMatchObject({
      IsTruncated: true,
      NextKeyMarker: 'media/clip-000000001.mp4',
      NextVersionIdMarker: 'v0000000003',
      MaxKeys: 4,
    });
    expect(out.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      ['v0000000001', false, 1001024],
      ['v0000000002', false, 1002048],
      ['v0000000003', true, 1003072],
    ]);
  });

  it('continues after every version of the key when only a key marker is given', async () => {
    const out = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: 'bench-media',
        KeyMarker: 'media/clip-000000001.mp4',
        MaxKeys: 2,
      }),
    );
    expect(out.Versions?.map((v) => v.VersionId)).toEqual(['v0000000006', 'v0000000007']);
  });

  it('refuses a version-id marker that is not a version of the key marker', async () => {
    await expect(
      s3.send(
        new ListObjectVersionsCommand({
          Bucket: 'bench-media',
          KeyMarker: 'media/clip-000000001.mp4',
          VersionIdMarker: 'v0000000000',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('synthesizes a bucket of a million versions: its last page is reached by its markers', async () => {
    const big = await startFakeS3({ latencyMs: 0, versions: 1_000_000 });
    try {
      const out = await s3For(big).send(
        new ListObjectVersionsCommand({
          Bucket: 'bench-media',
          KeyMarker: 'media/clip-000499998.mp4',
          VersionIdMarker: 'v0000999997',
        }),
      );
      expect(out.IsTruncated).toBe(false);
      expect(out.Versions?.map((v) => v.VersionId)).toEqual(['v0000999998', 'v0000999999']);
    } finally {
      await big.close();
    }
  });
});

describe('fake S3 legal holds', () => {
  let fake: FakeS3;
  let s3: S3Client;
  beforeAll(async () => {
    fake = await startFakeS3({ latencyMs: 0, versions: 300, versionsPerKey: 3, deleteMarkerEvery: 5 });
    s3 = s3For(fake);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const hold = (Key: string, VersionId: string) =>
    s3.send(
      new PutObjectLegalHoldCommand({ Bucket: 'bench-media', Key, VersionId, LegalHold: { Status: 'ON' } }),
    );

  it('counts every version held exactly once when each listed version is held once', async () => {
    for await (const page of versionPages(s3, 'bench-media', 50))
      await Promise.all((page.Versions ?? []).map((v) => hold(v.Key!, v.VersionId!)));
    const { legalHolds, ops } = fake.stats();
    // 100 keys, every 5th (20) has a delete marker as its newest entry.
    expect(legalHolds).toMatchObject({ versions: 280, deleteMarkers: 20, heldOnce: 280, notHeld: 0 });
    expect(legalHolds.heldMoreThanOnce).toBe(0);
    expect(ops['S3.PutObjectLegalHold']).toBe(280);
  });

  it('names the versions held twice or not at all', async () => {
    await hold('media/clip-000000001.mp4', 'v0000000004');
    await hold('media/clip-000000001.mp4', 'v0000000004');
    const { legalHolds } = fake.stats();
    expect(legalHolds).toMatchObject({ heldOnce: 0, heldMoreThanOnce: 1, notHeld: 279 });
    expect(legalHolds.notOnce).toContainEqual({
      key: 'media/clip-000000001.mp4',
      versionId: 'v0000000004',
      count: 2,
    });
  });

  it('refuses a legal hold on a delete marker, as S3 does, and counts the attempt', async () => {
    await expect(hold('media/clip-000000000.mp4', 'v0000000000')).rejects.toMatchObject({
      name: 'MethodNotAllowed',
    });
    expect(fake.stats().legalHolds.deleteMarkerHolds).toBe(1);
  });

  it('reads back a hold it placed, and has none on a version never held', async () => {
    await hold('media/clip-000000002.mp4', 'v0000000007');
    const get = (VersionId: string) =>
      s3.send(
        new GetObjectLegalHoldCommand({ Bucket: 'bench-media', Key: 'media/clip-000000002.mp4', VersionId }),
      );
    expect((await get('v0000000007')).LegalHold).toEqual({ Status: 'ON' });
    await expect(get('v0000000008')).rejects.toMatchObject({ name: 'NoSuchObjectLockConfiguration' });
  });

  it('keeps bucket versioning and Object Lock configuration, and forgets them on reset', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: 'bench-media' }));
    await expect(
      s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'bench-media' })),
    ).rejects.toMatchObject({ name: 'ObjectLockConfigurationNotFoundError' });
    const config = {
      ObjectLockEnabled: 'Enabled' as const,
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE' as const, Days: 30 } },
    };
    await s3.send(
      new PutObjectLockConfigurationCommand({ Bucket: 'bench-media', ObjectLockConfiguration: config }),
    );
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'bench-media',
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    expect(
      (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'bench-media' })))
        .ObjectLockConfiguration,
    ).toEqual(config);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'bench-media' }))).Status).toBe(
      'Suspended',
    );
    fake.reset();
    expect(fake.stats().ops).toEqual({});
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'bench-media' }))).Status).toBe('Enabled');
  });

  it('serves the counts over HTTP and resets them on POST /__reset', async () => {
    await hold('media/clip-000000001.mp4', 'v0000000003');
    const stats = (await (await fetch(`${fake.url}/__stats`)).json()) as { ops: Record<string, number> };
    expect(stats.ops).toEqual({ 'S3.PutObjectLegalHold': 1 });
    expect((await fetch(`${fake.url}/__reset`, { method: 'POST' })).status).toBe(204);
    expect(fake.stats().legalHolds.heldOnce).toBe(0);
  });

  it('reports a version and its legal hold on HeadObject', async () => {
    await hold('media/clip-000000001.mp4', 'v0000000004');
    const head = (VersionId: string) =>
      s3.send(new HeadObjectCommand({ Bucket: 'bench-media', Key: 'media/clip-000000001.mp4', VersionId }));
    expect(await head('v0000000004')).toMatchObject({
      VersionId: 'v0000000004',
      ObjectLockLegalHoldStatus: 'ON',
    });
    expect(await head('v0000000005')).toMatchObject({ ObjectLockLegalHoldStatus: 'OFF' });
  });

  it('answers an operation it does not implement with NotImplemented, and counts it by request shape', async () => {
    expect((await fetch(`${fake.url}/bench-media?tagging`)).status).toBe(501);
    expect(fake.stats().unhandled).toEqual({ 'GET bucket ?tagging': 1 });
  });
});

describe('fake S3 CloudTrail log files and STS', () => {
  let fake: FakeS3;
  let s3: S3Client;
  const prefix = 'AWSLogs/123456789012/CloudTrail/us-east-1/';
  beforeAll(async () => {
    fake = await startFakeS3({ latencyMs: 0, logFiles: 2500, logDays: 3 });
    s3 = s3For(fake);
  });
  afterAll(() => fake.close());

  it('lists every log file once under the CloudTrail layout, in pages', async () => {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: s3 },
      { Bucket: 'bench-trail', Prefix: prefix, MaxKeys: 300 },
    ))
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    expect(keys).toHaveLength(2500);
    expect(new Set(keys).size).toBe(2500);
    expect([...keys].sort()).toEqual(keys);
    for (const key of keys)
      expect(key).toMatch(
        /^AWSLogs\/123456789012\/CloudTrail\/us-east-1\/\d{4}\/\d\d\/\d\d\/123456789012_CloudTrail_us-east-1_\d{8}T\d{4}Z_[0-9a-z]{16}\.json\.gz$/,
      );
  });

  it('rolls the days up into common prefixes with a delimiter', async () => {
    const out = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'bench-trail',
        Prefix: `${prefix}${new Date().getUTCFullYear()}/`,
        Delimiter: '/',
      }),
    );
    expect(out.Contents).toBeUndefined();
    expect(out.CommonPrefixes?.length).toBeGreaterThanOrEqual(1);
    const months = await s3.send(
      new ListObjectsV2Command({ Bucket: 'bench-trail', Prefix: prefix, Delimiter: '/' }),
    );
    expect(months.CommonPrefixes?.every((p) => /\/\d{4}\/$/.test(p.Prefix!))).toBe(true);
  });

  it('copies a log file server-side, reports the same ETag and checksum on the copy, and counts it', async () => {
    fake.reset();
    const [first] = (
      await s3.send(new ListObjectsV2Command({ Bucket: 'bench-trail', Prefix: prefix, MaxKeys: 1 }))
    ).Contents!;
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'drp-evidence-123456789012-us-east-1',
        Key: `incidents/INC-1/${first!.Key}`,
        CopySource: `bench-trail/${first!.Key}`,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(first!.ETag);
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: 'drp-evidence-123456789012-us-east-1',
        Key: `incidents/INC-1/${first!.Key}`,
        ChecksumMode: 'ENABLED',
      }),
    );
    expect(head).toMatchObject({
      ETag: first!.ETag,
      ContentLength: first!.Size,
      ChecksumSHA256: copy.CopyObjectResult?.ChecksumSHA256,
    });
    expect(fake.stats().copies).toEqual({
      files: 2500,
      copiedOnce: 1,
      notCopied: 2499,
      copiedMoreThanOnce: 0,
    });
  });

  it('answers STS GetCallerIdentity as the SDK parses it', async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials });
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/bench',
    });
  });
});

describe('fake S3 isolation calls (time to deny)', () => {
  let fake: FakeS3;
  let s3: S3Client;
  beforeAll(async () => {
    fake = await startFakeS3({ latencyMs: 0, versions: 10 });
    s3 = s3For(fake);
  });
  afterAll(() => fake.close());

  it("answers the reads a contain plans with (no policy, no Block Public Access, no logging), then records the moment drp's deny is answered", async () => {
    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: 'bench-media' }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
    await expect(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'bench-media' }))).rejects.toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
    });
    expect(
      (await s3.send(new GetBucketLoggingCommand({ Bucket: 'bench-media' }))).LoggingEnabled,
    ).toBeUndefined();

    const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Reader', Effect: 'Allow' }] });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bench-media', Policy: other }));
    expect(fake.state.denyAnsweredAt).toBeUndefined();
    const before = performance.now();
    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DrpContainINC1', Effect: 'Deny' }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bench-media', Policy: deny }));
    expect(fake.state.denyAnsweredAt).toBeGreaterThanOrEqual(before);
    expect(fake.state.denyAnsweredAt).toBeLessThanOrEqual(performance.now());
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'bench-media' }))).Policy).toBe(deny);
    fake.reset();
    expect(fake.state.denyAnsweredAt).toBeUndefined();
  });
});

describe('fake S3 and the plan cost', () => {
  it('answers the Price List API with no price (the plan then uses its dated table) instead of an unhandled request', async () => {
    const fake = await startFakeS3({ latencyMs: 0, versions: 1, logFiles: 1 });
    try {
      const pricing = new PricingClient({
        region: 'us-east-1',
        endpoint: fake.url,
        credentials,
        maxAttempts: 1,
      });
      const out = await pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonS3' }));
      expect(out.PriceList).toEqual([]);
      expect(fake.stats().unhandled).toEqual({});
      expect(fake.stats().ops['Pricing.GetProducts']).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
