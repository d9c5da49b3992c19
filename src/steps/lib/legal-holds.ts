import type { S3VersionsPort, VersionEntry } from '../../aws/s3-versions.js';
import type { ArtefactRef } from '../../journal/entry.js';
import { StepFailure, type StepContext } from '../define.js';
import { lineWriter, type LineWriter } from './artefact-lines.js';
import { forEachPaged } from './paged-pool.js';

/**
 * The per-version legal holds of s3-legal-holds, in three parts that a pool of worker threads can
 * later share: `holdVersion` does one version's work and returns what happened as plain data (it
 * never throws, so a worker can post it); `HoldManifest` is the one writer every outcome goes
 * through, as it happens; `holdEveryVersion` feeds the listing to the work and the outcomes to
 * the manifest, `concurrency` calls in flight.
 */

/** What became of one listed entry. */
export type VersionOutcome =
  | { entry: VersionEntry; result: 'delete-marker' }
  | { entry: VersionEntry; result: 'held'; requestId?: string }
  | { entry: VersionEntry; result: 'already-held' }
  /** Deleted between the listing and the hold (lifecycle expiry, or someone still writing): evidence too. */
  | { entry: VersionEntry; result: 'vanished'; code: string }
  /** `error` is the SDK's own error (its operation and request id, for the journal); a worker thread sends code and message only. */
  | { entry: VersionEntry; result: 'failed'; code: string; message: string; error?: unknown };

/** S3's answers for a version or key that no longer exists. */
const VANISHED = new Set(['NoSuchVersion', 'NoSuchKey']);

/**
 * One entry's work: a delete marker is recorded (it cannot hold one); with `checkHolds` (Object
 * Lock was on before the run) a version already held is left as it is; any other version gets a
 * legal hold ON.
 */
export async function holdVersion(
  s3: Pick<S3VersionsPort, 'getObjectLegalHold' | 'putObjectLegalHold'>,
  bucket: string,
  entry: VersionEntry,
  checkHolds: boolean,
): Promise<VersionOutcome> {
  if (entry.isDeleteMarker) return { entry, result: 'delete-marker' };
  try {
    if (checkHolds && (await s3.getObjectLegalHold(bucket, entry.key, entry.versionId)))
      return { entry, result: 'already-held' };
    const call = await s3.putObjectLegalHold(bucket, entry.key, entry.versionId);
    return { entry, result: 'held', ...(call.requestId ? { requestId: call.requestId } : {}) };
  } catch (err) {
    const code = err instanceof Error ? err.name : 'Error';
    if (VANISHED.has(code)) return { entry, result: 'vanished', code };
    const message = err instanceof Error ? err.message : String(err);
    return { entry, result: 'failed', code, message, error: err };
  }
}

export interface HoldCounts {
  /** Legal holds this run put on. */
  placed: number;
  alreadyHeld: number;
  deleteMarkers: number;
  /** Versions listed that were gone when their hold was placed. */
  vanished: number;
  /** Versions seen (held, skipped, vanished or failed). */
  versions: number;
}

export interface HoldResult extends HoldCounts {
  /** A sample of the PutObjectLegalHold request ids; every one is in the manifest. */
  requestIds: string[];
  manifest: ArtefactRef;
}

const REQUEST_ID_SAMPLE = 10;

/** One manifest line: what the version is, and its legal hold before and after. */
function manifestLine(o: VersionOutcome): string {
  const { isLatest: _, ...version } = o.entry;
  const held = o.result === 'held' || o.result === 'already-held';
  return JSON.stringify({
    ...version,
    heldBefore: o.result === 'already-held',
    heldNow: held,
    ...(o.result === 'held' && o.requestId ? { requestId: o.requestId } : {}),
    ...(o.result === 'vanished' ? { vanished: o.code } : {}),
    ...(o.result === 'failed' ? { error: o.code } : {}),
  });
}

/**
 * The legal-hold manifest artefact (`legal-holds-<bucket>.jsonl`, one JSON line per version and
 * delete marker) and the counts of what it records. Every outcome is written as it is recorded,
 * buffered at most a few hundred lines or 200 ms (see lineWriter), so a run cut short leaves every
 * hold it placed in the file; `close` is called on every way out.
 */
export class HoldManifest {
  readonly counts: HoldCounts = { placed: 0, alreadyHeld: 0, deleteMarkers: 0, vanished: 0, versions: 0 };
  readonly requestIds: string[] = [];
  private readonly lines: LineWriter;

  constructor(ctx: StepContext, bucket: string) {
    this.lines = lineWriter(ctx.artefacts.stream(`legal-holds-${bucket}.jsonl`));
  }

  get path(): string {
    return this.lines.path;
  }

  record(o: VersionOutcome): void {
    const c = this.counts;
    if (o.result === 'delete-marker') c.deleteMarkers++;
    else c.versions++;
    if (o.result === 'held') {
      c.placed++;
      if (o.requestId && this.requestIds.length < REQUEST_ID_SAMPLE) this.requestIds.push(o.requestId);
    }
    if (o.result === 'already-held') c.alreadyHeld++;
    if (o.result === 'vanished') c.vanished++;
    this.lines.add(manifestLine(o));
  }

  /** Writes what is buffered now (an interrupt handler calls it before the process ends). */
  flush(): Promise<void> {
    return this.lines.flush();
  }

  close(bucket: string): Promise<ArtefactRef> {
    return this.lines.close({ uri: `s3://${bucket}` });
  }
}

/** The error a failed outcome stands for: the SDK's own when it is at hand, else one rebuilt from its code. */
function errorOf(o: Extract<VersionOutcome, { result: 'failed' }>): unknown {
  if (o.error !== undefined) return o.error;
  return Object.assign(new Error(o.message), { name: o.code });
}

/**
 * Puts a legal hold ON on every version of the bucket, streaming the listing. Vanished versions
 * are recorded and the holds go on; any other failure stops them (calls in flight finish and are
 * recorded) and is thrown as StepFailure<HoldResult> with the closed manifest.
 */
export async function holdEveryVersion(
  ctx: StepContext,
  bucket: string,
  options: { checkHolds: boolean; total?: number },
): Promise<HoldResult> {
  const manifest = new HoldManifest(ctx, bucket);
  const bar = ctx.progress.start(`legal holds s3://${bucket}`, options.total);
  let failure: { error: unknown } | undefined;
  let ref: ArtefactRef | undefined;
  try {
    // On Ctrl-C (ctx.signal) the holds in flight finish and reach the manifest; no new one starts.
    await forEachPaged(
      ctx.aws.s3.listObjectVersions(bucket),
      ctx.settings.concurrency,
      async (entry) => {
        const outcome = await holdVersion(ctx.aws.s3, bucket, entry, options.checkHolds);
        manifest.record(outcome);
        bar.tick();
        if (outcome.result === 'failed') throw errorOf(outcome);
      },
      { signal: ctx.signal },
    );
  } catch (error) {
    failure = { error };
  } finally {
    bar.done();
    // Closed (and journaled) on every way out: a failed run's manifest is evidence of what it held.
    ref = await manifest.close(bucket);
  }
  const result = { ...manifest.counts, requestIds: manifest.requestIds, manifest: ref };
  if (failure) throw new StepFailure(result, { cause: failure.error });
  return result;
}

export interface VersionCount {
  versions: number;
  deleteMarkers: number;
  /** false when the count stopped above `stopAbove`, or at the first page of a sample. */
  complete: boolean;
}

/** The plan's bounded look: the first page of the listing (up to 1,000 entries), whatever the bucket's size. */
export async function sampleVersions(ctx: StepContext, bucket: string): Promise<VersionCount> {
  const page = await ctx.aws.s3.firstVersionsPage(bucket);
  const deleteMarkers = page.entries.filter((e) => e.isDeleteMarker).length;
  return { versions: page.entries.length - deleteMarkers, deleteMarkers, complete: !page.truncated };
}

/** Counts versions, listing only until the count passes `stopAbove` (then `complete` is false). */
export async function countVersions(
  ctx: StepContext,
  bucket: string,
  stopAbove: number,
): Promise<VersionCount> {
  const count: VersionCount = { versions: 0, deleteMarkers: 0, complete: true };
  for await (const page of ctx.aws.s3.listObjectVersions(bucket)) {
    const markers = page.filter((e) => e.isDeleteMarker).length;
    count.deleteMarkers += markers;
    count.versions += page.length - markers;
    if (count.versions > stopAbove) return { ...count, complete: false };
  }
  return count;
}
