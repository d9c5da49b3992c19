import type { S3Port } from '../../../aws/s3.js';
import { interruptedBy } from '../../../errors.js';
import type { ListedObject } from '../../../aws/s3-evidence.js';
import type { ArtefactStream } from '../../../journal/artefacts.js';
import type { StepContext } from '../../define.js';
import { onWorkers, threadsFor, type Threads } from '../per-version.js';
import { errorOfOutcome, failedWith } from '../portable-error.js';
import {
  verifiedLine,
  type CopyTarget,
  type CopyWay,
  type FileOutcome,
  type PreservedFile,
  type Transferred,
} from './copy-one.js';
import { destinationKey, s3Uri, type CopyDestination } from './layout.js';
import { readAndUpload } from './read-and-upload.js';

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

export interface CopyJob {
  sourceBucket: string;
  evidenceBucket: string;
  /** The ports of the identity that reads the source (the log archive's, or the workload's). */
  reader: S3Port;
  /** The ports of the evidence identity, which writes every copy. */
  evidence: S3Port;
  /** Reader and evidence are different principals: a refused server-side copy can be read and uploaded. */
  canUpload: boolean;
  /** Where the copies go (the evidence key of each source key). */
  destination: CopyDestination;
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
 * `ctx.settings.concurrency` copies in flight (on `--workers` threads when the job is large and a
 * server-side copy is its one way). The listing is consumed while copies run, so
 * memory holds one listing page and the copies in flight, however many files there are. Stops
 * at the first failure, after letting the copies in flight finish.
 */
export async function copyVerified(
  ctx: StepContext,
  files: AsyncIterable<ListedObject>,
  job: CopyJob,
): Promise<CopyOutcome> {
  const s3 = job.evidence;
  const target: CopyTarget = {
    sourceBucket: job.sourceBucket,
    evidenceBucket: job.evidenceBucket,
    destination: job.destination,
  };
  const bar = ctx.progress.start(job.label, job.total);
  const outcome: CopyOutcome = { copied: 0, bytes: 0, uploaded: 0 };
  const inflight = new Set<Promise<void>>();
  // Server-side first: the one that needs no bytes through drp. The first AccessDenied (the
  // evidence identity cannot read another account's log bucket) turns the rest of the job to
  // read-and-upload, and that file is uploaded too.
  let way: CopyWay = 'server-side-copy';

  const transfer = async (file: ListedObject, key: string): Promise<Transferred> => {
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

  const recordLine = async (file: ListedObject, line: PreservedFile) => {
    await job.manifest.write(`${JSON.stringify(line)}\n`);
    if (line.via === 'read-and-upload') outcome.uploaded += 1;
    outcome.copied += 1;
    outcome.bytes += file.size;
    bar.tick();
  };
  const copyOne = async (file: ListedObject) => {
    const key = destinationKey(job.destination, file.key);
    await recordLine(file, await verifiedLine(s3, file, target, key, await transfer(file, key)));
  };

  // Worker threads copy only when a server-side copy is the one way (the evidence identity reads
  // the logs itself): the fallback to read-and-upload needs the reader's client, which stays here.
  const threads = job.canUpload ? undefined : threadsFor(ctx, job.total, s3);
  if (threads) {
    await copyOnThreads(ctx, threads, files, target, outcome, recordLine);
    bar.done();
    return outcome;
  }

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

/** The copies on worker threads: each file's outcome recorded here, the first failure stopping them. */
async function copyOnThreads(
  ctx: StepContext,
  threads: Threads,
  files: AsyncIterable<ListedObject>,
  target: CopyTarget,
  outcome: CopyOutcome,
  recordLine: (file: ListedObject, line: PreservedFile) => Promise<void>,
): Promise<void> {
  const record = async (o: FileOutcome) => {
    if (o.result === 'copied') return recordLine(o.file, o.line);
    outcome.failure ??= { key: o.file.key, error: errorOfOutcome(o) };
    throw outcome.failure.error;
  };
  const lost = (file: ListedObject, error: Error): FileOutcome => ({ file, ...failedWith(error) });
  try {
    await onWorkers(ctx, threads, { kind: 'log-copy', target }, files, { lost }, record);
  } catch (error) {
    // A failed copy is recorded above; else the listing failed, a worker died, or Ctrl-C.
    outcome.failure ??= { error };
  }
}
