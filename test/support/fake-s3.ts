import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export interface FakeObject {
  key: string;
  body: string;
}

/** What S3 answers a principal that may not read a bucket of another account. */
const accessDenied = () =>
  Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

/**
 * A few buckets in memory behind aws-sdk-client-mock: ListObjectsV2 (prefix, delimiter, pages of
 * `pageSize`), CopyObject (SHA-256 of the copy, legal hold kept), GetObject (If-Match), PutObject
 * (a stream body read whole, its SHA-256 computed as S3 does for a trailing checksum) and
 * HeadObject read the same state, so the copy steps can be tested end to end on mocks.
 * `refuseCopyFrom`: buckets a CopyObject may not read (another account's, to the evidence identity).
 */
export function fakeS3(
  s3: AwsClientStub<S3Client>,
  buckets: Record<string, FakeObject[]>,
  pageSize = 1000,
  { refuseCopyFrom = [] as string[] } = {},
) {
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
    if (refuseCopyFrom.includes(bucket!)) throw accessDenied();
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
  stub.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string; IfMatch?: string }) => {
    const body = store.get(input.Bucket)?.get(input.Key);
    if (body === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    if (input.IfMatch && input.IfMatch !== etag(body))
      throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      });
    const { Readable } = await import('node:stream');
    return { Body: Readable.from([Buffer.from(body)]), ContentLength: body.length, VersionId: 'src-v' };
  });
  stub
    .on(PutObjectCommand)
    .callsFake(async (input: { Bucket: string; Key: string; Body: string | Buffer | Readable }) => {
      const bytes =
        typeof input.Body === 'string' || Buffer.isBuffer(input.Body)
          ? Buffer.from(input.Body)
          : Buffer.concat(await input.Body.toArray());
      store.get(input.Bucket)!.set(input.Key, bytes.toString());
      version += 1;
      return {
        VersionId: `v${version}`,
        ETag: etag(bytes.toString()),
        ChecksumSHA256: sha(bytes.toString()),
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
