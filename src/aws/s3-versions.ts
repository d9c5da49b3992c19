import type { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  GetObjectLegalHoldCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, sendWithFreshStream, type Call } from './call.js';
import { decodeKey, URL_ENCODING } from './s3-key-encoding.js';

/** One entry of a ListObjectVersions page: an object version or a delete marker. */
export interface VersionEntry {
  key: string;
  versionId: string;
  isDeleteMarker: boolean;
  isLatest: boolean;
  lastModified?: string;
  /** Object versions only. */
  size?: number;
  etag?: string;
  /** The algorithms S3 keeps a checksum with; the listing does not carry the values. */
  checksumAlgorithm?: string[];
}

export interface UploadedObject extends Call {
  etag: string;
  versionId?: string;
}

/** Per-object operations: version listing, legal holds, and uploads of evidence files. */
export interface S3VersionsPort {
  /**
   * Every version and delete marker of the bucket, one page (up to 1,000 entries) at a time,
   * fetched only when the consumer asks for the next: memory stays flat however large the bucket.
   */
  listObjectVersions(bucket: string): AsyncIterable<VersionEntry[]>;
  /** The first page only (up to 1,000 entries): a bounded look at a bucket of any size. */
  firstVersionsPage(bucket: string): Promise<{ entries: VersionEntry[]; truncated: boolean }>;
  /** true when the version has a legal hold ON; false when it has none or Object Lock is off. */
  getObjectLegalHold(bucket: string, key: string, versionId: string): Promise<boolean>;
  putObjectLegalHold(bucket: string, key: string, versionId: string): Promise<Call>;
  /** Legal hold OFF: only `drp restore --release-holds`, on versions a journaled manifest says drp held. */
  releaseLegalHold(bucket: string, key: string, versionId: string): Promise<Call>;
  /** Streams a local file to s3://bucket/key (a single PUT: up to 5 GB). */
  uploadFile(bucket: string, key: string, path: string, contentType: string): Promise<UploadedObject>;
}

/** One ListObjectVersions page as entries: versions, then delete markers, keys decoded. */
function entriesOf(page: ListObjectVersionsCommandOutput): VersionEntry[] {
  const key = (k: string | undefined) => decodeKey(k ?? '', page.EncodingType);
  const entries: VersionEntry[] = [];
  for (const v of page.Versions ?? []) {
    entries.push({
      key: key(v.Key),
      versionId: v.VersionId ?? 'null',
      isDeleteMarker: false,
      isLatest: v.IsLatest ?? false,
      ...(v.LastModified ? { lastModified: v.LastModified.toISOString() } : {}),
      ...(v.Size !== undefined ? { size: v.Size } : {}),
      ...(v.ETag ? { etag: v.ETag.replace(/"/g, '') } : {}),
      ...(v.ChecksumAlgorithm?.length ? { checksumAlgorithm: v.ChecksumAlgorithm } : {}),
    });
  }
  for (const m of page.DeleteMarkers ?? []) {
    entries.push({
      key: key(m.Key),
      versionId: m.VersionId ?? 'null',
      isDeleteMarker: true,
      isLatest: m.IsLatest ?? false,
      ...(m.LastModified ? { lastModified: m.LastModified.toISOString() } : {}),
    });
  }
  return entries;
}

export function createS3VersionsPort(client: S3Client): S3VersionsPort {
  const setLegalHold = async (bucket: string, key: string, versionId: string, status: 'ON' | 'OFF') =>
    callOf(
      await client.send(
        new PutObjectLegalHoldCommand({
          Bucket: bucket,
          Key: key,
          VersionId: versionId,
          LegalHold: { Status: status },
        }),
      ),
    );
  return {
    async *listObjectVersions(bucket) {
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      do {
        const page = await client.send(
          new ListObjectVersionsCommand({
            Bucket: bucket,
            KeyMarker: keyMarker,
            VersionIdMarker: versionIdMarker,
            EncodingType: URL_ENCODING,
          }),
        );
        yield entriesOf(page);
        const key = (k: string | undefined) => decodeKey(k ?? '', page.EncodingType);
        keyMarker =
          page.IsTruncated && page.NextKeyMarker !== undefined ? key(page.NextKeyMarker) : undefined;
        versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker !== undefined);
    },

    async firstVersionsPage(bucket) {
      const page = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, EncodingType: URL_ENCODING }),
      );
      return { entries: entriesOf(page), truncated: page.IsTruncated === true };
    },

    async getObjectLegalHold(bucket, key, versionId) {
      try {
        const out = await client.send(
          new GetObjectLegalHoldCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
        );
        return out.LegalHold?.Status === 'ON';
      } catch (err) {
        // S3's answers for "this version has no legal hold" and "the bucket has no Object Lock".
        if (isNotFound(err, 'NoSuchObjectLockConfiguration', 'InvalidRequest')) return false;
        throw err;
      }
    },

    putObjectLegalHold: (bucket, key, versionId) => setLegalHold(bucket, key, versionId, 'ON'),
    releaseLegalHold: (bucket, key, versionId) => setLegalHold(bucket, key, versionId, 'OFF'),

    async uploadFile(bucket, key, path, contentType) {
      const { size } = await stat(path);
      const put = (Body: Readable) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body,
            ContentLength: size,
            ContentType: contentType,
          }),
        );
      const out = await sendWithFreshStream(put, () => createReadStream(path));
      return {
        ...callOf(out),
        etag: (out.ETag ?? '').replace(/"/g, ''),
        ...(out.VersionId ? { versionId: out.VersionId } : {}),
      };
    },
  };
}
