import {
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, type Call } from './call.js';
import { decodeKey, URL_ENCODING } from './s3-key-encoding.js';

/** One object version as a listing shows it. */
export interface ObjectVersion {
  key: string;
  /** "null" for an object written while the bucket was unversioned. */
  versionId: string;
  etag: string;
  size: number;
  lastModified: string;
}

export interface ObjectTag {
  key: string;
  value: string;
}

/**
 * The per-object S3 calls of the scan and the quarantine: listings streamed page by page (memory
 * stays flat on a bucket of millions), and version-exact tags and legal holds. Part of S3Port.
 */
export interface S3ObjectsPort {
  /**
   * The current version of every object under the prefix, with its version id. ListObjectVersions
   * rather than ListObjectsV2: a finding must name the exact version scanned, and be held and
   * tagged on that version even if a newer one is written meanwhile.
   */
  listCurrentObjects(bucket: string, prefix: string): AsyncIterable<ObjectVersion[]>;
  /** Every version (current or not, never delete markers) written at or after `since`. */
  listVersionsSince(bucket: string, prefix: string, since: Date): AsyncIterable<ObjectVersion[]>;
  /** The Content-Type of one version; undefined when the version no longer exists. */
  getContentType(bucket: string, key: string, versionId: string): Promise<string | undefined>;
  objectLockEnabled(bucket: string): Promise<boolean>;
  legalHoldIsOn(bucket: string, key: string, versionId: string): Promise<boolean>;
  getObjectVersionTags(bucket: string, key: string, versionId: string): Promise<ObjectTag[]>;
  putLegalHoldOn(bucket: string, key: string, versionId: string): Promise<Call>;
  /** Replaces the version's tag set: callers merge with getObjectVersionTags first. */
  tagObjectVersion(bucket: string, key: string, versionId: string, tags: ObjectTag[]): Promise<Call>;
}

export function createS3ObjectsPort(client: S3Client): S3ObjectsPort {
  async function* versionPages(
    bucket: string,
    prefix: string,
    keep: (v: ObjectVersion, latest: boolean) => boolean,
  ) {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const out = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker } : {}),
          EncodingType: URL_ENCODING,
        }),
      );
      const key = (k: string | undefined) => decodeKey(k ?? '', out.EncodingType);
      const page: ObjectVersion[] = [];
      for (const v of out.Versions ?? []) {
        const version = {
          key: key(v.Key),
          versionId: v.VersionId ?? 'null',
          etag: v.ETag ?? '',
          size: v.Size ?? 0,
          lastModified: v.LastModified?.toISOString() ?? '',
        };
        if (keep(version, v.IsLatest === true)) page.push(version);
      }
      if (page.length) yield page;
      [keyMarker, versionIdMarker] =
        out.IsTruncated && out.NextKeyMarker !== undefined
          ? [key(out.NextKeyMarker), out.NextVersionIdMarker]
          : [];
    } while (keyMarker);
  }

  const versionOf = (bucket: string, key: string, versionId: string) => ({
    Bucket: bucket,
    Key: key,
    VersionId: versionId,
  });

  return {
    listCurrentObjects: (bucket, prefix) => versionPages(bucket, prefix, (_, latest) => latest),

    listVersionsSince: (bucket, prefix, since) =>
      versionPages(bucket, prefix, (v) => Date.parse(v.lastModified) >= since.getTime()),

    async getContentType(bucket, key, versionId) {
      try {
        return (await client.send(new HeadObjectCommand(versionOf(bucket, key, versionId)))).ContentType;
      } catch (err) {
        if (isNotFound(err, 'NotFound', 'NoSuchKey', 'NoSuchVersion')) return undefined;
        throw err;
      }
    },

    async objectLockEnabled(bucket) {
      try {
        const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
        return out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      } catch (err) {
        if (isNotFound(err, 'ObjectLockConfigurationNotFoundError')) return false;
        throw err;
      }
    },

    async legalHoldIsOn(bucket, key, versionId) {
      try {
        const out = await client.send(new GetObjectLegalHoldCommand(versionOf(bucket, key, versionId)));
        return out.LegalHold?.Status === 'ON';
      } catch (err) {
        // S3's answer for a version that never had a legal hold.
        if (isNotFound(err, 'NoSuchObjectLockConfiguration')) return false;
        throw err;
      }
    },

    async getObjectVersionTags(bucket, key, versionId) {
      const out = await client.send(new GetObjectTaggingCommand(versionOf(bucket, key, versionId)));
      return (out.TagSet ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
    },

    async putLegalHoldOn(bucket, key, versionId) {
      return callOf(
        await client.send(
          new PutObjectLegalHoldCommand({
            ...versionOf(bucket, key, versionId),
            LegalHold: { Status: 'ON' },
          }),
        ),
      );
    },

    async tagObjectVersion(bucket, key, versionId, tags) {
      return callOf(
        await client.send(
          new PutObjectTaggingCommand({
            ...versionOf(bucket, key, versionId),
            Tagging: { TagSet: tags.map((t) => ({ Key: t.key, Value: t.value })) },
          }),
        ),
      );
    },
  };
}
