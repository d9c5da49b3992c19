import type { CopiedObject, ListedObject, ObjectHead } from '../../../aws/s3-evidence.js';
import type { EvidencePort } from '../../../aws/s3-evidence.js';
import { failedWith, type Failed } from '../portable-error.js';
import { destinationKey, s3Uri, type CopyDestination } from './layout.js';

/**
 * One log file's verified copy: what copy.ts does per file in the main thread, and what a worker
 * thread does with each file it is handed (per-version.worker.ts). Kept apart from copy.ts (the
 * listing, the manifest, the fallback to read-and-upload) so that a worker's bundle holds this and
 * the S3 client, nothing more.
 */

/**
 * How a file reached the evidence bucket: a server-side CopyObject by the evidence identity, or,
 * when that identity cannot read the log bucket (another account's), read by the identity that
 * can and uploaded by the evidence identity, streamed and checksummed.
 */
export type CopyWay = 'server-side-copy' | 'read-and-upload';

/** One line of a copy manifest (JSON Lines): what was copied, from where, how, and its SHA-256. */
export interface PreservedFile {
  source: string;
  sourceVersionId?: string;
  size: number;
  /** Hex SHA-256 of the copy, as S3 computed it and HeadObject reads it back. */
  sha256: string;
  evidence: string;
  evidenceVersionId?: string;
  etag?: string;
  via: CopyWay;
}

/** Where one source bucket's files go: plain data, so a worker thread can be handed it. */
export interface CopyTarget {
  sourceBucket: string;
  evidenceBucket: string;
  destination: CopyDestination;
}

export class CopyVerificationError extends Error {
  override readonly name = 'CopyVerificationFailed';
}

const hexOfBase64 = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

/**
 * Why a copy is not a faithful, protected copy of its source, or undefined when it is.
 *
 * What this proves, and what it costs: one HeadObject per file on top of the CopyObject.
 * - The source is pinned: CopyObject carries CopySourceIfMatch with the ETag the listing showed,
 *   so S3 refuses to copy an object that changed after it was listed.
 * - The copy is read back: its size must equal the source's listed size, its stored SHA-256 must
 *   equal the one S3 computed while copying, and its legal hold must be ON.
 * ETags are recorded, not compared: an SSE-KMS source (CloudTrail's recommended set-up) has an ETag
 * that is not the MD5 of its bytes, so a faithful copy into an SSE-S3 bucket carries another one.
 */
export function copyProblem(source: ListedObject, copy: CopiedObject, head: ObjectHead | undefined) {
  if (!head) return 'the copy is not there when read back';
  if (head.size !== source.size) return `the copy has ${head.size} bytes, the source ${source.size}`;
  if (!head.checksumSHA256) return 'the copy has no SHA-256 checksum';
  if (copy.checksumSHA256 && head.checksumSHA256 !== copy.checksumSHA256)
    return 'the SHA-256 read back differs from the one S3 computed while copying';
  if (head.legalHold !== 'ON') return `the copy's legal hold is ${head.legalHold ?? 'not set'}, not ON`;
  return undefined;
}

/** A file that reached the evidence bucket: how, and (read-and-upload) the SHA-256 of the bytes read. */
export interface Transferred {
  copy: CopiedObject;
  via: CopyWay;
  sha256?: string;
}

/**
 * Reads the copy back and checks it (copyProblem; for an upload, also the SHA-256 of the bytes
 * read): its manifest line, or a CopyVerificationError.
 */
export async function verifiedLine(
  evidence: Pick<EvidencePort, 'headEvidenceObject'>,
  file: ListedObject,
  target: CopyTarget,
  key: string,
  { copy, via, sha256 }: Transferred,
): Promise<PreservedFile> {
  const head = await evidence.headEvidenceObject(target.evidenceBucket, key, copy.versionId);
  const problem =
    copyProblem(file, copy, head) ??
    (sha256 && hexOfBase64(head!.checksumSHA256!) !== sha256
      ? 'the SHA-256 of the bytes read differs from the one S3 stored'
      : undefined);
  if (problem)
    throw new CopyVerificationError(
      `copy of ${s3Uri(target.sourceBucket, file.key)} to ${s3Uri(target.evidenceBucket, key)} failed verification: ${problem}`,
    );
  return {
    source: s3Uri(target.sourceBucket, file.key),
    ...(copy.sourceVersionId ? { sourceVersionId: copy.sourceVersionId } : {}),
    size: head!.size,
    sha256: hexOfBase64(head!.checksumSHA256!),
    evidence: s3Uri(target.evidenceBucket, key),
    ...(copy.versionId ? { evidenceVersionId: copy.versionId } : {}),
    ...(file.etag ? { etag: file.etag } : {}),
    via,
  };
}

/** What became of one file on a worker thread: its manifest line, or why it failed (posted, never thrown). */
export type FileOutcome =
  { file: ListedObject; result: 'copied'; line: PreservedFile } | ({ file: ListedObject } & Failed);

/**
 * One file copied server-side into the evidence bucket, pinned to its listed ETag, then read back:
 * the whole of a worker's copy. Worker threads copy only for jobs with no other way (the evidence
 * identity reads the logs itself): a refused copy is a failure, as it is in the main thread then.
 */
export async function copyServerSide(
  evidence: Pick<EvidencePort, 'copyEvidenceObject' | 'headEvidenceObject'>,
  file: ListedObject,
  target: CopyTarget,
): Promise<FileOutcome> {
  const key = destinationKey(target.destination, file.key);
  try {
    const source = { bucket: target.sourceBucket, key: file.key, ...(file.etag ? { etag: file.etag } : {}) };
    const copy = await evidence.copyEvidenceObject(source, target.evidenceBucket, key);
    const line = await verifiedLine(evidence, file, target, key, { copy, via: 'server-side-copy' });
    return { file, result: 'copied', line };
  } catch (err) {
    return { file, ...failedWith(err) };
  }
}
