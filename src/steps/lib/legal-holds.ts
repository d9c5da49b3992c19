import type { VersionEntry } from '../../aws/s3-versions.js';
import type { ArtefactRef } from '../../journal/entry.js';
import { StepFailure, type StepContext } from '../define.js';
import { lineWriter } from './artefact-lines.js';
import { forEachPaged } from './paged-pool.js';

export interface VersionSurvey {
  /** Object versions (delete markers excluded). */
  versions: number;
  deleteMarkers: number;
  /** Versions that already have a legal hold ON (0 unless holds were checked). */
  alreadyHeld: number;
  /** false when the count stopped above `stopAbove`: the numbers are a lower bound. */
  complete: boolean;
}

/**
 * The plan's look at the bucket: streams the listing and counts. Holds are checked per version
 * only when Object Lock is already on (a re-run): without Object Lock no version can hold one.
 */
export async function surveyVersions(
  ctx: StepContext,
  bucket: string,
  options: { checkHolds: boolean; stopAbove: number },
): Promise<VersionSurvey> {
  const survey: VersionSurvey = { versions: 0, deleteMarkers: 0, alreadyHeld: 0, complete: true };
  async function* counted() {
    for await (const page of ctx.aws.s3.listObjectVersions(bucket)) {
      const markers = page.filter((e) => e.isDeleteMarker).length;
      survey.deleteMarkers += markers;
      survey.versions += page.length - markers;
      yield page;
      if (survey.versions > options.stopAbove) {
        survey.complete = false;
        return;
      }
    }
  }
  if (!options.checkHolds) {
    for await (const _ of counted());
    return survey;
  }
  await forEachPaged(counted(), ctx.settings.concurrency, async (entry) => {
    if (!entry.isDeleteMarker && (await ctx.aws.s3.getObjectLegalHold(bucket, entry.key, entry.versionId)))
      survey.alreadyHeld++;
  });
  return survey;
}

export interface HoldCounts {
  /** Legal holds this run put on. */
  placed: number;
  alreadyHeld: number;
  deleteMarkers: number;
  /** Versions seen (held, skipped or failed). */
  versions: number;
}

export interface HoldResult extends HoldCounts {
  /** A sample of the PutObjectLegalHold request ids; every one is in the manifest. */
  requestIds: string[];
  manifest: ArtefactRef;
}

const REQUEST_ID_SAMPLE = 10;

/** One manifest line: what the version is, and its legal hold before and after. */
function manifestLine(entry: VersionEntry, heldBefore: boolean, heldNow: boolean, extra: object = {}) {
  const { isLatest: _, ...version } = entry;
  return JSON.stringify({ ...version, heldBefore, heldNow, ...extra });
}

/**
 * Puts a legal hold ON on every version of the bucket, `concurrency` calls in flight, streaming
 * the listing and writing one JSON line per version and delete marker to the manifest artefact.
 * `checkHolds` (Object Lock was already on) reads each version's hold first and skips held ones.
 * The manifest is closed on every way out, an interrupt (ctx.signal) included: a failure or an
 * interrupt is a StepFailure carrying the counts and the closed manifest.
 */
export async function holdEveryVersion(
  ctx: StepContext,
  bucket: string,
  options: { checkHolds: boolean; total: number },
): Promise<HoldResult> {
  const { s3 } = ctx.aws;
  const counts: HoldCounts = { placed: 0, alreadyHeld: 0, deleteMarkers: 0, versions: 0 };
  const requestIds: string[] = [];
  const manifest = lineWriter(ctx.artefacts.stream(`legal-holds-${bucket}.jsonl`));
  const bar = ctx.progress.start(`legal holds s3://${bucket}`, options.total);

  const holdOne = async (entry: VersionEntry) => {
    if (entry.isDeleteMarker) {
      counts.deleteMarkers++;
      manifest.add(manifestLine(entry, false, false));
      return;
    }
    counts.versions++;
    try {
      if (options.checkHolds && (await s3.getObjectLegalHold(bucket, entry.key, entry.versionId))) {
        counts.alreadyHeld++;
        manifest.add(manifestLine(entry, true, true));
      } else {
        const call = await s3.putObjectLegalHold(bucket, entry.key, entry.versionId);
        counts.placed++;
        if (call.requestId && requestIds.length < REQUEST_ID_SAMPLE) requestIds.push(call.requestId);
        manifest.add(manifestLine(entry, false, true, call.requestId ? { requestId: call.requestId } : {}));
      }
    } catch (err) {
      manifest.add(manifestLine(entry, false, false, { error: (err as Error).name ?? 'Error' }));
      throw err;
    } finally {
      bar.tick();
    }
  };

  let failure: { error: unknown } | undefined;
  try {
    // On Ctrl-C the holds in flight finish and reach the manifest below; no new one starts.
    await forEachPaged(s3.listObjectVersions(bucket), ctx.settings.concurrency, holdOne, {
      signal: ctx.signal,
    });
  } catch (error) {
    failure = { error };
  } finally {
    bar.done();
  }
  const ref = await manifest.close({ uri: `s3://${bucket}` });
  const result = { ...counts, requestIds, manifest: ref };
  if (failure) throw new StepFailure(result, { cause: failure.error });
  return result;
}
