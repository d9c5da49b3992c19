import { GetObjectCommand, HeadBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type ProvenanceParams } from '../../../src/steps/provenance-scan.js';
import { fixture, STUDIO } from '../../support/provenance-fixtures.js';
import { awsError, version } from '../../support/scan-fixtures.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const base: ProvenanceParams = {
  bucket: 'media',
  prefix: '',
  since: '',
  enabled: true,
  trustedSigners: [STUDIO],
  requireCredentials: false,
  maxBytes: 16 * 1024 * 1024,
};
const FILES: Record<string, Uint8Array> = {
  'a.jpg': fixture('ai-signed.jpg'),
  'b.png': fixture('nothing.png'),
  'c.jpg': fixture('studio-signed.jpg'),
};
// The port reads Body as a stream of chunks, as the SDK gives it in Node.
const body = (bytes: Uint8Array) => Readable.from([Buffer.from(bytes)]) as never;

/** Serves each fixture's requested range, as S3 does. */
function serveRanges() {
  s3.on(GetObjectCommand).callsFake((input: { Key: string; Range: string }) => {
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(input.Range)!;
    return { Body: body(FILES[input.Key]!.subarray(Number(from), Number(to) + 1)) };
  });
}

async function run(params: Partial<ProvenanceParams> = {}) {
  const p = { ...base, ...params };
  const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
  const { ctx, artefacts } = testContext();
  const outcome = await step.apply(ctx, p, plan).catch((err: unknown) => err);
  const lines = (name: string) =>
    (artefacts.find((a) => a.name === name)?.content ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    plan,
    outcome,
    findings: lines('findings-step.jsonl'),
    notScanned: lines('not-scanned-step.jsonl'),
  };
}

describe('provenance-scan', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: Object.entries(FILES)
        .map(([key, bytes]) => version(key, { size: bytes.length }))
        .concat(version('notes.txt')),
    });
    serveRanges();
  });

  it('plans from the listing alone: the byte estimate, and no GetObject', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, base);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(plan.observed).toMatchObject({
      listed: 4,
      candidates: 3,
      skipped: { 'not an image': 1 },
      estimate: { firstRangeBytes: FILES['a.jpg']!.length + 79 + FILES['c.jpg']!.length },
    });
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/matches the certificate subject.*SHA-256 fingerprint/),
    );
  });

  it('plans nothing when disabled (drp scan without --provenance)', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { ...base, enabled: false });
    expect(plan.changes).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 0);
  });

  it('reads each exact version by range, and finds the image that declares AI', async () => {
    const { outcome, findings } = await run();
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'media',
      Key: 'b.png',
      VersionId: 'v-b.png',
      Range: 'bytes=0-78',
    });
    expect(outcome).toMatchObject({
      data: {
        scanned: 3,
        withFindings: 1,
        byClass: { 'declared-ai': 1, none: 1, trusted: 1 },
        bytesRead: 27233 + 79 + FILES['c.jpg']!.length,
      },
    });
    expect(findings).toEqual([
      expect.objectContaining({
        key: 'a.jpg',
        versionId: 'v-a.jpg',
        class: 'declared-ai',
        reason: expect.stringMatching(/declares an AI/),
      }),
    ]);
  });

  // S3's answer to a read drp may not make (a bucket policy deny, or an SSE-KMS key without
  // kms:Decrypt): the image is not scanned, the others are, and the step is partial.
  it('an image S3 refuses (AccessDenied) is "not scanned" with the reason, and the step ends partial', async () => {
    s3.on(GetObjectCommand, { Key: 'c.jpg' }).rejects(
      awsError('AccessDenied', 403, 'User is not authorized to perform: kms:Decrypt'),
    );
    const { outcome, notScanned } = await run();
    expect(outcome).toBeInstanceOf(StepFailure);
    expect((outcome as StepFailure).message).toMatch(
      /^1 image\(s\) could not be read and are not classified/,
    );
    expect((outcome as StepFailure).partial.data).toMatchObject({
      scanned: 2,
      withFindings: 1,
      notScanned: { AccessDenied: 1 },
    });
    expect(notScanned).toContainEqual(
      expect.objectContaining({
        key: 'c.jpg',
        reason: expect.stringMatching(/^not scanned: access denied.*kms:Decrypt/),
      }),
    );
  });

  it('a version deleted since the listing is skipped, not a failure', async () => {
    s3.on(GetObjectCommand, { Key: 'b.png' }).rejects(awsError('NoSuchVersion', 404));
    const { outcome } = await run();
    expect(outcome).not.toBeInstanceOf(StepFailure);
    expect(outcome).toMatchObject({ data: { scanned: 2, skipped: { 'version no longer exists': 1 } } });
  });

  it('with --require-credentials, an image without credentials is a finding too', async () => {
    const { findings } = await run({ requireCredentials: true });
    expect(findings.map((f) => [f.key, f.class])).toEqual(
      expect.arrayContaining([
        ['a.jpg', 'declared-ai'],
        ['b.png', 'none'],
      ]),
    );
    expect(findings).toHaveLength(2);
  });

  it('refuses a trusted signer that is neither a DN nor a fingerprint, naming the field', () => {
    const parsed = step.params.safeParse({ bucket: 'media', trustedSigners: ['Acme'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['trustedSigners', 0],
      message: expect.stringMatching(/subject DN/),
    });
  });
});
