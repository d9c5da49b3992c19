import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export interface FakeObject {
  key: string;
  body: string;
}

/**
 * A few buckets in memory behind aws-sdk-client-mock: ListObjectsV2 (prefix, delimiter, pages of
 * `pageSize`), CopyObject (SHA-256 of the copy, legal hold kept) and HeadObject read the same
 * state, so the copy steps can be tested end to end on mocks.
 */
export function fakeS3(s3: AwsClientStub<S3Client>, buckets: Record<string, FakeObject[]>, pageSize = 1000) {
  const store = new Map(
    Object.entries(buckets).map(([b, objs]) => [b, new Map(objs.map((o) => [o.key, o.body]))]),
  );
  const etag = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;
  const sha = (body: string) => createHash('sha256').update(body).digest('base64');
  let version = 0;
  const stub = s3;
  stub.on(HeadBucketCommand).callsFake(async ({ Bucket }: { Bucket: string }) => {
    if (!store.has(Bucket))
      throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    return {};
  });
  stub
    .on(ListObjectsV2Command)
    .callsFake(
      async (input: { Bucket: string; Prefix?: string; Delimiter?: string; ContinuationToken?: string }) => {
        const keys = [...(store.get(input.Bucket)?.keys() ?? [])]
          .filter((k) => k.startsWith(input.Prefix ?? ''))
          .sort();
        if (input.Delimiter) {
          const prefixes = [
            ...new Set(
              keys.map((k) => k.slice(0, k.indexOf('/', (input.Prefix ?? '').length) + 1)).filter(Boolean),
            ),
          ];
          return { CommonPrefixes: prefixes.map((Prefix) => ({ Prefix })), $metadata: {} };
        }
        const from = Number(input.ContinuationToken ?? 0);
        const page = keys.slice(from, from + pageSize);
        const more = from + pageSize < keys.length;
        return {
          Contents: page.map((k) => {
            const body = store.get(input.Bucket)!.get(k)!;
            return { Key: k, Size: body.length, ETag: etag(body) };
          }),
          IsTruncated: more,
          ...(more ? { NextContinuationToken: String(from + pageSize) } : {}),
          $metadata: {},
        };
      },
    );
  stub.on(CopyObjectCommand).callsFake(async (input: { Bucket: string; Key: string; CopySource: string }) => {
    const [bucket, ...rest] = decodeURIComponent(input.CopySource).split('/');
    const body = store.get(bucket!)?.get(rest.join('/'));
    if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    store.get(input.Bucket)!.set(input.Key, body);
    version += 1;
    return {
      VersionId: `v${version}`,
      CopySourceVersionId: `src-${rest.at(-1)}`,
      CopyObjectResult: { ETag: etag(body), ChecksumSHA256: sha(body) },
      $metadata: { requestId: `C${version}` },
    };
  });
  stub.on(HeadObjectCommand).callsFake(async (input: { Bucket: string; Key: string; VersionId?: string }) => {
    const body = store.get(input.Bucket)?.get(input.Key);
    if (body === undefined)
      throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    return {
      ContentLength: body.length,
      ETag: etag(body),
      VersionId: input.VersionId,
      ChecksumSHA256: sha(body),
      ObjectLockLegalHoldStatus: 'ON',
      $metadata: {},
    };
  });
  return {
    keys: (bucket: string) => [...(store.get(bucket)?.keys() ?? [])].sort(),
    /** An object written behind drp's back (a CloudWatch Logs export landing). */
    put: (bucket: string, key: string, body: string) => void store.get(bucket)!.set(key, body),
    sha256Hex: (body: string) => createHash('sha256').update(body).digest('hex'),
  };
}
