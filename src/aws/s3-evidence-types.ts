import type { Readable } from 'node:stream';
import type { Call } from './call.js';

/** What the evidence calls of the S3 port (src/aws/s3-evidence.ts) take and return. */

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
  /** The bytes, or a function that opens them as a stream (a file, a GetObject: each retry opens it again). */
  body: string | Buffer | (() => Readable | Promise<Readable>);
  /** Required for a stream body. */
  contentLength?: number;
  /**
   * Hex SHA-256 the caller already knows: S3 then refuses bytes that do not match it. Without it
   * the SDK sends the checksum S3 verifies after the body (a trailing checksum, aws-chunked).
   */
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
