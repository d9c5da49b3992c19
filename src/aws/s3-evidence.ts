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
import { callOf, isNotFound, type Call } from './call.js';

/**
 * The S3 calls of evidence preservation (issue 5), kept apart from the containment calls of
 * src/aws/s3.ts so both can grow without touching each other; S3Port exposes them all.
 */

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface BucketLock {
  enabled: boolean;
  /** The default retention new objects get, when one is set. */
  defaultRetention?: { mode: LockMode; days?: number; years?: number };
}

/** Where a stored evidence object is: what the journal records for it. */
export interface StoredObject extends Call {
  versionId?: string;
  /** Base64 SHA-256 S3 computed over the stored bytes. */
  checksumSHA256?: string;
  etag?: string;
}

export interface CopiedObject extends StoredObject {
  /** The source version S3 copied (x-amz-copy-source-version-id), when the source is versioned. */
  sourceVersionId?: string;
}

export interface ObjectHead {
  size: number;
  etag?: string;
  versionId?: string;
  checksumSHA256?: string;
  legalHold?: string;
}

export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

export interface AccessLogging {
  targetBucket: string;
  targetPrefix: string;
  /** simple: <prefix>YYYY-mm-DD-HH-MM-SS-x; partitioned: <prefix><acct>/<region>/<bucket>/YYYY/MM/DD/... */
  layout: 'simple' | 'partitioned';
}

export interface EvidenceObjectBody {
  body: string | Buffer | Readable;
  /** Required for a stream body. */
  contentLength?: number;
  /** Hex SHA-256 the caller already knows: S3 then refuses bytes that do not match it. */
  sha256?: string;
  contentType?: string;
}

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
  /** The ETag the listing showed: S3 refuses the copy (412) if the source changed since. */
  etag?: string;
}

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
          ...(r?.Mode
            ? {
                defaultRetention: {
                  mode: r.Mode,
                  ...(r.Days ? { days: r.Days } : {}),
                  ...(r.Years ? { years: r.Years } : {}),
                },
              }
            : {}),
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
      const out = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: object.body,
          ...(object.contentLength !== undefined ? { ContentLength: object.contentLength } : {}),
          ...(object.contentType ? { ContentType: object.contentType } : {}),
          ChecksumAlgorithm: 'SHA256',
          ...(object.sha256 ? { ChecksumSHA256: base64OfHex(object.sha256) } : {}),
          ObjectLockLegalHoldStatus: 'ON',
        }),
      );
      return {
        ...callOf(out),
        ...(out.VersionId ? { versionId: out.VersionId } : {}),
        ...(out.ChecksumSHA256 ? { checksumSHA256: out.ChecksumSHA256 } : {}),
        ...(out.ETag ? { etag: out.ETag } : {}),
      };
    },

    async copyEvidenceObject(source, bucket, key) {
      const path = `${source.bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}`;
      const out = await client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: source.versionId ? `${path}?versionId=${encodeURIComponent(source.versionId)}` : path,
          ...(source.etag ? { CopySourceIfMatch: source.etag } : {}),
          ChecksumAlgorithm: 'SHA256',
          ObjectLockLegalHoldStatus: 'ON',
        }),
      );
      const result = out.CopyObjectResult;
      return {
        ...callOf(out),
        ...(out.VersionId ? { versionId: out.VersionId } : {}),
        ...(out.CopySourceVersionId ? { sourceVersionId: out.CopySourceVersionId } : {}),
        ...(result?.ChecksumSHA256 ? { checksumSHA256: result.ChecksumSHA256 } : {}),
        ...(result?.ETag ? { etag: result.ETag } : {}),
      };
    },

    async headEvidenceObject(bucket, key, versionId) {
      try {
        const out = await client.send(
          new HeadObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(versionId ? { VersionId: versionId } : {}),
            ChecksumMode: 'ENABLED',
          }),
        );
        return {
          size: out.ContentLength ?? 0,
          ...(out.ETag ? { etag: out.ETag } : {}),
          ...(out.VersionId ? { versionId: out.VersionId } : {}),
          ...(out.ChecksumSHA256 ? { checksumSHA256: out.ChecksumSHA256 } : {}),
          ...(out.ObjectLockLegalHoldStatus ? { legalHold: out.ObjectLockLegalHoldStatus } : {}),
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
        throw err;
      }
    },

    async *listObjectsUnder(bucket, prefix) {
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        yield (page.Contents ?? []).map((o) => ({
          key: o.Key ?? '',
          size: o.Size ?? 0,
          ...(o.ETag ? { etag: o.ETag } : {}),
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
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
