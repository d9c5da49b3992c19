import type { StepContext } from '../define.js';
import { StepFailure, type Applied, type Change, type Recorded, type RestoreOptions } from '../define.js';
import {
  countPicked,
  isVersionRef,
  jsonlPages,
  undoEach,
  type UndoResult,
  type VersionRef,
} from './undo-versions.js';

/**
 * `drp restore --release-holds`: sets OFF exactly the legal holds a run placed, read from its
 * manifest after checking the manifest's SHA-256 against the journal. Shared by the restore of
 * s3-legal-holds and, for journals written before that step existed, of s3-object-lock.
 */

/** What the step's result recorded about its holds. */
export interface HoldsData {
  held?: number;
  manifest?: { path: string; sha256: string };
  jobId?: string;
}

export const holdsDataOf = (r: Recorded) => (r.result?.data ?? {}) as HoldsData;

/**
 * The versions drp put a hold on, from the run's manifest: held now and not before. When Object
 * Lock was off before the run (the step's first intent says so), no version could hold one before
 * drp, so a version a resumed run found "already held" was held by the run that was cut off.
 */
function drpHolds(path: string, lockWasOn: boolean) {
  return jsonlPages<VersionRef>(path, (line) =>
    isVersionRef(line) && line.heldNow === true && (line.heldBefore !== true || !lockWasOn)
      ? { key: line.key as string, versionId: line.versionId as string }
      : undefined,
  );
}

/** The restore plan's part for legal holds: a release-legal-hold change, or why they stay ON. */
export async function planRelease(
  recorded: Recorded,
  bucket: string,
  lockWasOn: boolean,
  options: RestoreOptions,
): Promise<{ changes: Change[]; kept: string[] }> {
  const data = holdsDataOf(recorded);
  if (data.jobId)
    return {
      changes: [],
      kept: [
        `legal holds placed by S3 Batch Operations job ${data.jobId} stay ON: drp restore does not release a batch job's holds (a job with LegalHold OFF over the same manifest does)`,
      ],
    };
  if (!options.releaseHolds) {
    const n = data.held === undefined ? '' : `${data.held} `;
    return {
      changes: [],
      kept: [
        `the ${n}legal holds drp placed on s3://${bucket} stay ON: they are evidence; --release-holds sets OFF exactly those`,
      ],
    };
  }
  if (!data.manifest)
    return {
      changes: [],
      kept: [
        `the legal holds on s3://${bucket} stay ON: the run journaled no legal-hold manifest (it was cut off in this step; finish it with drp resume, then restore)`,
      ],
    };
  const path = await recorded.artefact(data.manifest);
  const count = await countPicked(drpHolds(path, lockWasOn));
  const changes: Change[] = count
    ? [
        {
          action: 'release-legal-hold',
          target: `s3://${bucket}`,
          detail: `${count} version(s) drp held, from ${data.manifest.path} (SHA-256 checked against the journal)`,
          count,
        },
      ]
    : [];
  return { changes, kept: [] };
}

/** Sets OFF the holds `planRelease` counted; throws StepFailure with the count released so far. */
export async function applyRelease(
  ctx: StepContext,
  recorded: Recorded,
  bucket: string,
  lockWasOn: boolean,
  total: number,
): Promise<Applied> {
  const path = await recorded.artefact(holdsDataOf(recorded).manifest!);
  const change = (n: number, of?: number): Change => ({
    action: 'release-legal-hold',
    target: `s3://${bucket}`,
    detail: `${of === undefined ? n : `${n} of ${of}`} version(s) drp held set OFF`,
    count: n,
  });
  try {
    const r = await undoEach(
      ctx,
      { label: `release legal holds s3://${bucket}`, logName: `released-holds-${bucket}.jsonl`, total },
      drpHolds(path, lockWasOn),
      async (v) => {
        const call = await ctx.aws.s3.releaseLegalHold(bucket, v.key, v.versionId);
        return { requestIds: call.requestId ? [call.requestId] : [], record: { legalHold: 'OFF' } };
      },
    );
    const data = { released: r.done, gone: r.gone, log: r.log.path };
    return { changes: r.done ? [change(r.done)] : [], requestIds: r.requestIds, data };
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    const r = err.partial as UndoResult;
    const data = { released: r.done, gone: r.gone, log: r.log.path };
    throw new StepFailure(
      { changes: [change(r.done, total)], requestIds: r.requestIds, data },
      { cause: err.cause },
    );
  }
}
