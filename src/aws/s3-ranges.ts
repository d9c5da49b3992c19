import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';

/** Part of S3Port: bounded reads of one object version, for the provenance scan. */
export interface S3RangesPort {
  /**
   * Bytes [start, end) of one version (HTTP's Range is inclusive: bytes=start-(end-1)). Never
   * more than end - start bytes are kept: S3 answers a Range it finds malformed with the whole
   * object (200, not 206), so the body is read up to the length asked and the rest dropped.
   */
  getObjectRange(
    bucket: string,
    key: string,
    versionId: string,
    start: number,
    end: number,
  ): Promise<Uint8Array>;
}

async function readAtMost(body: Readable | undefined, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  if (!body) return out.subarray(0, 0);
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      const take = Math.min(chunk.length, length - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (filled >= length) break;
    }
  } finally {
    // Breaking out of the loop leaves the socket with the unread rest: release it.
    body.destroy?.();
  }
  return out.subarray(0, filled);
}

export function createS3RangesPort(client: S3Client): S3RangesPort {
  return {
    async getObjectRange(bucket, key, versionId, start, end) {
      const out = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          // S3 lists unversioned objects with the version id "null", which GetObject accepts too.
          VersionId: versionId,
          Range: `bytes=${start}-${end - 1}`,
        }),
      );
      return readAtMost(out.Body as Readable | undefined, end - start);
    },
  };
}
