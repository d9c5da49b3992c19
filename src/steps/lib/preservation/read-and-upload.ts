import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { S3Port } from '../../../aws/s3.js';
import type { CopiedObject, ListedObject } from '../../../aws/s3-evidence.js';

/**
 * One file read as one identity and uploaded as another: streamed (never held whole in memory),
 * its SHA-256 computed while it passes, and the upload checksummed by S3 (the SDK sends the
 * SHA-256 after the body, which S3 verifies and stores). The read is pinned to the listed ETag.
 * A retried upload reads the source again.
 */
export async function readAndUpload(
  reader: Pick<S3Port, 'readObjectStream'>,
  evidence: Pick<S3Port, 'putEvidenceObject'>,
  file: ListedObject,
  sourceBucket: string,
  evidenceBucket: string,
  key: string,
): Promise<{ copy: CopiedObject; sha256: string }> {
  let sha256 = '';
  let sourceVersionId: string | undefined;
  const stored = await evidence.putEvidenceObject(evidenceBucket, key, {
    body: async () => {
      const source = await reader.readObjectStream(sourceBucket, file.key, file.etag);
      sourceVersionId = source.versionId;
      const hash = createHash('sha256');
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          sha256 = hash.digest('hex');
          done();
        },
      });
      source.body.on('error', (err) => tap.destroy(err));
      return source.body.pipe(tap);
    },
    contentLength: file.size,
  });
  return {
    copy: { ...stored, ...(sourceVersionId ? { sourceVersionId } : {}) },
    sha256,
  };
}
