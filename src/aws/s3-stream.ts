import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** One object's bytes, as a stream, pinned to the version a listing showed. */
export interface ObjectStream {
  body: Readable;
  size: number;
  versionId?: string;
}

/**
 * Reading a log file as one identity to upload it as another, when the identity that writes the
 * evidence cannot read the log archive (a cross-account server-side copy needs one principal that
 * can do both). Kept apart from the evidence calls so each file stays short.
 */
export interface S3StreamPort {
  /** GetObject with If-Match: S3 answers 412 PreconditionFailed when the object changed since it was listed. */
  readObjectStream(bucket: string, key: string, etag?: string): Promise<ObjectStream>;
}

export function createS3StreamPort(client: S3Client): S3StreamPort {
  return {
    async readObjectStream(bucket, key, etag) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
      if (!out.Body) throw new Error(`S3.GetObject of s3://${bucket}/${key} returned no body`);
      return {
        body: out.Body as Readable,
        size: out.ContentLength ?? 0,
        ...(out.VersionId ? { versionId: out.VersionId } : {}),
      };
    },
  };
}
