import { createHash } from 'node:crypto';
import type { S3Port } from '../../aws/s3.js';

/**
 * The files of a finished DynamoDB export in the evidence bucket, put under legal hold, with the
 * SHA-256 of its two manifests: manifest-files.json lists every data file with its MD5 and ETag,
 * so the journaled hashes of the manifests vouch for the data files too.
 */

/** export-prefix/AWSDynamoDB/ExportId/ (DynamoDB developer guide, "Table export output format"). */
export const exportDir = (prefix: string, exportArn: string) =>
  `${prefix}/AWSDynamoDB/${exportArn.slice(exportArn.lastIndexOf('/') + 1)}/`;

const MANIFESTS = /(^|\/)manifest-(summary|files)\.json$/;

export interface HeldFile {
  key: string;
  size: number;
  versionId: string;
  etag?: string;
  /** Hex SHA-256 of the bytes, for the manifests. */
  sha256?: string;
}

export interface HeldExport {
  files: HeldFile[];
  requestIds: string[];
}

export async function holdExportFiles(s3: S3Port, bucket: string, dir: string): Promise<HeldExport> {
  const files: HeldFile[] = [];
  const requestIds: string[] = [];
  for await (const page of s3.listObjectsUnder(bucket, dir)) {
    for (const o of page) {
      const head = await s3.headEvidenceObject(bucket, o.key);
      if (!head?.versionId)
        throw new Error(
          `s3://${bucket}/${o.key} has no version id: the evidence bucket must be versioned (Object Lock)`,
        );
      if (head.legalHold !== 'ON') {
        const call = await s3.putLegalHoldOn(bucket, o.key, head.versionId);
        if (call.requestId) requestIds.push(call.requestId);
      }
      const file: HeldFile = { key: o.key, size: head.size, versionId: head.versionId };
      if (head.etag) file.etag = head.etag;
      if (MANIFESTS.test(o.key)) {
        const body = await s3.getEvidenceObject(bucket, o.key);
        if (body) file.sha256 = createHash('sha256').update(body).digest('hex');
      }
      files.push(file);
    }
  }
  return { files, requestIds };
}
