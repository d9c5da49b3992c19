import type { S3Port } from '../../../aws/s3.js';
import { interruptedBy } from '../../../errors.js';
import type { CopiedObject, ListedObject, ObjectHead } from '../../../aws/s3-evidence.js';
import type { ArtefactStream } from '../../../journal/artefacts.js';
import type { StepContext } from '../../define.js';
import { s3Uri } from './layout.js';
import { readAndUpload } from './read-and-upload.js';

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

export class CopyVerificationError extends Error {
  override readonly name = 'CopyVerificationFailed';
}

export interface CopyOutcome {
  copied: number;
  bytes: number;
  /** Of those, read and uploaded rather than copied server-side. */
  uploaded: number;
  /**
   * The first failure: copying stopped there (copies already in flight were finished and
   * recorded). No key: the listing failed.
   */
  failure?: { key?: string; error: unknown };
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

export interface CopyJob {
  sourceBucket: string;
  evidenceBucket: string;
  /** The ports of the identity that reads the source (the log archive's, or the workload's). */
  reader: S3Port;
  /** The ports of the evidence identity, which writes every copy. */
  evidence: S3Port;
  /** Reader and evidence are different principals: a refused server-side copy can be read and uploaded. */
  canUpload: boolean;
  /** The evidence key of a source key. */
  destination(key: string): string;
  manifest: ArtefactStream;
  label: string;
  total?: number;
}

const isAccessDenied = (err: unknown) =>
  err instanceof Error &&
  (/^(AccessDenied|Forbidden)$/.test(err.name) ||
    (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403);

/**
 * Copies every listed object into the evidence bucket, verifying each, with at most
 * `ctx.settings.concurrency` copies in flight. The listing is consumed while copies run, so
 * memory holds one listing page and the copies in flight, however many files there are. Stops
 * at the first failure, after letting the copies in flight finish.
 */
export async function copyVerified(
  ctx: StepContext,
  files: AsyncIterable<ListedObject>,
  job: CopyJob,
): Promise<CopyOutcome> {
  const s3 = job.evidence;
  const bar = ctx.progress.start(job.label, job.total);
  const outcome: CopyOutcome = { copied: 0, bytes: 0, uploaded: 0 };
  const inflight = new Set<Promise<void>>();
  // Server-side first: the one that needs no bytes through drp. The first AccessDenied (the
  // evidence identity cannot read another account's log bucket) turns the rest of the job to
  // read-and-upload, and that file is uploaded too.
  let way: CopyWay = 'server-side-copy';

  const transfer = async (
    file: ListedObject,
    key: string,
  ): Promise<{ copy: CopiedObject; via: CopyWay; sha256?: string }> => {
    const source = { bucket: job.sourceBucket, key: file.key, ...(file.etag ? { etag: file.etag } : {}) };
    if (way === 'server-side-copy') {
      try {
        return {
          copy: await s3.copyEvidenceObject(source, job.evidenceBucket, key),
          via: 'server-side-copy',
        };
      } catch (err) {
        if (!job.canUpload || !isAccessDenied(err)) throw err;
        if (way === 'server-side-copy')
          ctx.log.warn(
            { source: s3Uri(job.sourceBucket), err: (err as Error).message },
            'the evidence identity may not read the log bucket: reading as the identity that can, and uploading instead',
          );
        way = 'read-and-upload';
      }
    }
    const { copy, sha256 } = await readAndUpload(
      job.reader,
      s3,
      file,
      job.sourceBucket,
      job.evidenceBucket,
      key,
    );
    return { copy, via: 'read-and-upload', sha256 };
  };

  const copyOne = async (file: ListedObject) => {
    const key = job.destination(file.key);
    const { copy, via, sha256 } = await transfer(file, key);
    const head = await s3.headEvidenceObject(job.evidenceBucket, key, copy.versionId);
    const problem =
      copyProblem(file, copy, head) ??
      (sha256 && hexOfBase64(head!.checksumSHA256!) !== sha256
        ? 'the SHA-256 of the bytes read differs from the one S3 stored'
        : undefined);
    if (problem)
      throw new CopyVerificationError(
        `copy of ${s3Uri(job.sourceBucket, file.key)} to ${s3Uri(job.evidenceBucket, key)} failed verification: ${problem}`,
      );
    const line: PreservedFile = {
      source: s3Uri(job.sourceBucket, file.key),
      ...(copy.sourceVersionId ? { sourceVersionId: copy.sourceVersionId } : {}),
      size: head!.size,
      sha256: hexOfBase64(head!.checksumSHA256!),
      evidence: s3Uri(job.evidenceBucket, key),
      ...(copy.versionId ? { evidenceVersionId: copy.versionId } : {}),
      ...(file.etag ? { etag: file.etag } : {}),
      via,
    };
    await job.manifest.write(`${JSON.stringify(line)}\n`);
    if (via === 'read-and-upload') outcome.uploaded += 1;
    outcome.copied += 1;
    outcome.bytes += file.size;
    bar.tick();
  };

  // The loop waits for a free slot, woken by the copy that frees it: O(1) per file, unlike a
  // Promise.race over every copy in flight.
  let wake: (() => void) | undefined;
  try {
    for await (const file of files) {
      // Ctrl-C: no new copy starts; those in flight finish and reach the manifest.
      if (ctx.signal.aborted) outcome.failure ??= { error: interruptedBy(ctx.signal) };
      if (outcome.failure) break;
      const task: Promise<void> = copyOne(file)
        .catch((error: unknown) => {
          outcome.failure ??= { key: file.key, error };
        })
        .finally(() => {
          inflight.delete(task);
          wake?.();
        });
      inflight.add(task);
      if (inflight.size >= ctx.settings.concurrency) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } catch (error) {
    // The listing itself failed: what was copied so far still counts.
    outcome.failure ??= { error };
  }
  await Promise.all(inflight);
  bar.done();
  return outcome;
}
