import type { VersionEntry } from '../../aws/s3-versions.js';
import type { ArtefactRef } from '../../journal/entry.js';
import { StepFailure, type StepContext } from '../define.js';
import { lineWriter, type LineWriter } from './artefact-lines.js';
import { holdVersion, type VersionOutcome } from './hold-version.js';
import { forEachPaged } from './paged-pool.js';
import { eachOf, onWorkers, threadsFor } from './per-version.js';
import { errorOfOutcome, failedWith } from './portable-error.js';

/**
 * The per-version legal holds of s3-legal-holds, in three parts: `holdVersion` (hold-version.ts)
 * does one version's work and returns what happened as plain data, in the main thread or in a
 * worker thread; `HoldManifest` is the one writer every outcome goes through, in the main thread,
 * as it happens; `holdEveryVersion` feeds the one listing to the work and the outcomes to the
 * manifest, `concurrency` calls in flight, on `--workers` threads for a bucket large enough.
 */

export type { VersionOutcome } from './hold-version.js';

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

/** The outcome of a version whose worker thread died before it answered: failed, its hold unknown until a re-run. */
const lostHold = (entry: VersionEntry, error: Error): VersionOutcome => ({ entry, ...failedWith(error) });

/**
 * Puts a legal hold ON on every version of the bucket, streaming the listing. Vanished versions
 * are recorded and the holds go on; any other failure stops them (calls in flight finish and are
 * recorded) and is thrown as StepFailure<HoldResult> with the closed manifest. With `--workers`
 * above 1 and at least WORKERS_FROM versions (`total`), the holds run on worker threads; on Ctrl-C
 * (ctx.signal) either way the holds in flight finish and reach the manifest, and no new one starts.
 */
export async function holdEveryVersion(
  ctx: StepContext,
  bucket: string,
  options: { checkHolds: boolean; total?: number },
): Promise<HoldResult> {
  const manifest = new HoldManifest(ctx, bucket);
  const bar = ctx.progress.start(`legal holds s3://${bucket}`, options.total);
  const record = (outcome: VersionOutcome) => {
    manifest.record(outcome);
    bar.tick();
    if (outcome.result === 'failed') throw errorOfOutcome(outcome);
  };
  const listing = ctx.aws.s3.listObjectVersions(bucket);
  const threads = threadsFor(ctx, options.total, ctx.aws.s3);
  let failure: { error: unknown } | undefined;
  let ref: ArtefactRef | undefined;
  try {
    if (threads) {
      const task = { kind: 'legal-hold', bucket, checkHolds: options.checkHolds } as const;
      await onWorkers(ctx, threads, task, eachOf(listing), { lost: lostHold }, record);
    } else
      await forEachPaged(
        listing,
        ctx.settings.concurrency,
        async (entry) => record(await holdVersion(ctx.aws.s3, bucket, entry, options.checkHolds)),
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
