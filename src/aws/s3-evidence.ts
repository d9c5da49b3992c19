import type { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetBucketLoggingCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, sendWithFreshStream, type Call } from './call.js';
import type {
  AccessLogging,
  BucketLock,
  CopiedObject,
  CopySource,
  EvidenceObjectBody,
  ListedObject,
  LockMode,
  ObjectHead,
  StoredObject,
} from './s3-evidence-types.js';

export type * from './s3-evidence-types.js';

/**
 * The S3 calls of evidence preservation (issue 5), kept apart from the containment calls of
 * src/aws/s3.ts so both can grow without touching each other; S3Port exposes them all.
 */

export interface EvidencePort {
  /** CreateBucket with Object Lock (which also turns versioning on, for good). */
  createEvidenceBucket(bucket: string, region: string): Promise<Call>;
  /** undefined when the bucket has no Object Lock configuration. */
  getEvidenceBucketLock(bucket: string): Promise<BucketLock | undefined>;
  /** SSE-S3, or SSE-KMS with an S3 Bucket Key when a KMS key is given. */
  putEvidenceBucketEncryption(bucket: string, kmsKeyId?: string): Promise<Call>;
  putEvidenceBucketRetention(bucket: string, mode: LockMode, days: number): Promise<Call>;
  /** PutObject with a SHA-256 checksum and a legal hold ON. */
  putEvidenceObject(bucket: string, key: string, object: EvidenceObjectBody): Promise<StoredObject>;
  /** Server-side CopyObject with a SHA-256 checksum of the copy and a legal hold ON. */
  copyEvidenceObject(source: CopySource, bucket: string, key: string): Promise<CopiedObject>;
  /** HeadObject with its checksum; undefined when there is no such object (version). */
  headEvidenceObject(bucket: string, key: string, versionId?: string): Promise<ObjectHead | undefined>;
  /** The whole object; undefined when there is none. For small files (journal, head.json). */
  getEvidenceObject(bucket: string, key: string): Promise<Buffer | undefined>;
  /** Every object under a prefix, one listing page at a time. */
  listObjectsUnder(bucket: string, prefix: string): AsyncIterable<ListedObject[]>;
  /** The "folders" directly under a prefix (ListObjectsV2 with Delimiter "/"). */
  listPrefixesUnder(bucket: string, prefix: string): Promise<string[]>;
  /** undefined when server access logging is off. */
  getAccessLogging(bucket: string): Promise<AccessLogging | undefined>;
}

const base64OfHex = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

export function createEvidencePort(client: S3Client): EvidencePort {
  return {
    async createEvidenceBucket(bucket, region) {
      // us-east-1 is the one region that refuses a LocationConstraint naming itself.
      const location =
        region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } };
      return callOf(
        await client.send(
          new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true, ...location }),
        ),
      );
    },

    async getEvidenceBucketLock(bucket) {
      try {
        const { ObjectLockConfiguration: c } = await client.send(
          new GetObjectLockConfigurationCommand({ Bucket: bucket }),
        );
        if (!c) return undefined;
        const r = c.Rule?.DefaultRetention;
        return {
          enabled: c.ObjectLockEnabled === 'Enabled',
          defaultRetention: r?.Mode ? { mode: r.Mode, days: r.Days, years: r.Years } : undefined,
        };
      } catch (err) {
        if (isNotFound(err, 'ObjectLockConfigurationNotFoundError')) return undefined;
        throw err;
      }
    },

    async putEvidenceBucketEncryption(bucket, kmsKeyId) {
      const rule = kmsKeyId
        ? {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms' as const,
              KMSMasterKeyID: kmsKeyId,
            },
            BucketKeyEnabled: true,
          }
        : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
      return callOf(
        await client.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: { Rules: [rule] },
          }),
        ),
      );
    },

    async putEvidenceBucketRetention(bucket, mode, days) {
      return callOf(
        await client.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: {
              ObjectLockEnabled: 'Enabled',
              Rule: { DefaultRetention: { Mode: mode, Days: days } },
            },
          }),
        ),
      );
    },

    async putEvidenceObject(bucket, key, object) {
      const put = (Body: string | Buffer | Readable) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body,
            ContentLength: object.contentLength,
            ContentType: object.contentType,
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: object.sha256 && base64OfHex(object.sha256),
            ObjectLockLegalHoldStatus: 'ON',
          }),
        );
      const { body } = object;
      const out = typeof body === 'function' ? await sendWithFreshStream(put, body) : await put(body);
      return {
        ...callOf(out),
        versionId: out.VersionId,
        checksumSHA256: out.ChecksumSHA256,
        etag: out.ETag,
      };
    },

    async copyEvidenceObject(source, bucket, key) {
      const path = `${source.bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}`;
      const out = await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: source.versionId ? `${path}?versionId=${encodeURIComponent(source.versionId)}` : path,
          CopySourceIfMatch: source.etag,
          ChecksumAlgorithm: 'SHA256',
          ObjectLockLegalHoldStatus: 'ON',
        }),
      );
      const result = out.CopyObjectResult;
      return {
        ...callOf(out),
        versionId: out.VersionId,
        sourceVersionId: out.CopySourceVersionId,
        checksumSHA256: result?.ChecksumSHA256,
        etag: result?.ETag,
      };
    },

    async headEvidenceObject(bucket, key, versionId) {
      try {
        const out = await client.send(
          new HeadObjectCommand({
            Bucket: bucket,
            Key: key,
            VersionId: versionId,
            ChecksumMode: 'ENABLED',
          }),
        );
        return {
          size: out.ContentLength ?? 0,
          etag: out.ETag,
          versionId: out.VersionId,
          checksumSHA256: out.ChecksumSHA256,
          legalHold: out.ObjectLockLegalHoldStatus,
        };
      } catch (err) {
        if (isNotFound(err, 'NotFound', 'NoSuchKey', 'NoSuchVersion')) return undefined;
        throw err;
      }
    },

    async getEvidenceObject(bucket, key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : Buffer.alloc(0);
      } catch (err) {
        if (isNotFound(err, 'NoSuchKey')) return undefined;
        // The evidence bucket's archive rule (evidence-bucket archiveAfterDays) moved it to Glacier.
        if (err instanceof Error && err.name === 'InvalidObjectState')
          throw new Error(
            `s3://${bucket}/${key} is archived (S3 Glacier): restore a copy first, then run again: aws s3api restore-object --bucket ${bucket} --key ${key} --restore-request '{"Days":7,"GlacierJobParameters":{"Tier":"Standard"}}'`,
            { cause: err },
          );
        throw err;
      }
    },

    async *listObjectsUnder(bucket, prefix) {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        yield (page.Contents ?? []).map((o) => ({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          etag: o.ETag,
          lastModified: o.LastModified,
        }));
      }
    },

    async listPrefixesUnder(bucket, prefix) {
      const prefixes: string[] = [];
      const pages = paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' });
      for await (const page of pages)
        prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
      return prefixes;
    },

    async getAccessLogging(bucket) {
      const { LoggingEnabled: on } = await client.send(new GetBucketLoggingCommand({ Bucket: bucket }));
      if (!on?.TargetBucket) return undefined;
      return {
        targetBucket: on.TargetBucket,
        targetPrefix: on.TargetPrefix ?? '',
        layout: on.TargetObjectKeyFormat?.PartitionedPrefix ? 'partitioned' : 'simple',
      };
    },
  };
}
