import { defineRestore, StepFailure, type Change, type Recorded } from './define.js';
import type { Observed } from './s3-object-lock.js';
import {
  countPicked,
  isVersionRef,
  jsonlPages,
  undoEach,
  type UndoResult,
  type VersionRef,
} from './lib/undo-versions.js';

interface HoldsData {
  held?: number;
  manifest?: { path: string; sha256: string };
  jobId?: string;
}

type Params = { retentionDays?: number };
const holdsData = (r: Recorded<Params, Observed>) => (r.result?.data ?? {}) as HoldsData;

/**
 * The versions drp put a hold on, from the run's manifest: held now and not before. When Object
 * Lock was off before the run (its first intent says so), no version could hold one before drp,
 * so a version a resumed run found "already held" was held by the run that was cut off.
 */
function drpHolds(path: string, lockWasOn: boolean) {
  return jsonlPages<VersionRef>(path, (line) =>
    isVersionRef(line) && line.heldNow === true && (line.heldBefore !== true || !lockWasOn)
      ? { key: line.key as string, versionId: line.versionId as string }
      : undefined,
  );
}

function keptSettings(r: Recorded<Params, Observed>): string[] {
  const { bucket, objectLock, versioning } = r.plan.observed;
  const changed = (action: string) =>
    [...r.plan.changes, ...(r.result?.changes ?? [])].some((c) => c.action === action);
  const kept: string[] = [];
  if (objectLock?.enabled !== true)
    kept.push(`Object Lock stays enabled on s3://${bucket}: S3 cannot turn it off once it is enabled`);
  else if (changed('put-object-lock-configuration'))
    kept.push(
      `the default retention of s3://${bucket} stays GOVERNANCE ${r.params.retentionDays ?? ''} days (it was ${objectLock.mode ?? 'none'}${objectLock.days ? ` ${objectLock.days} days` : ''}${objectLock.years ? ` ${objectLock.years} years` : ''}): drp never shortens retention`,
    );
  if (versioning?.status !== 'Enabled' && changed('put-bucket-versioning'))
    kept.push(
      `versioning stays Enabled on s3://${bucket}: S3 cannot suspend it on a bucket with Object Lock`,
    );
  return kept;
}

/**
 * Object Lock cannot be turned off, and legal holds are evidence: they stay unless
 * --release-holds, which sets OFF exactly the holds drp placed, read from the run's legal-hold
 * manifest after checking its SHA-256 against the journal.
 */
export default defineRestore<Params, Observed>({
  permissions: ['s3:PutObjectLegalHold'],

  async plan(_ctx, recorded, options) {
    const { bucket } = recorded.plan.observed;
    const data = holdsData(recorded);
    const kept = keptSettings(recorded);
    const base = { observed: { bucket }, before: { legalHolds: 'none on the versions drp held' }, drift: [] };
    if (data.jobId) {
      kept.push(
        `legal holds placed by S3 Batch Operations job ${data.jobId} stay ON: drp restore does not release a batch job's holds (a job with LegalHold OFF over the same manifest does)`,
      );
      return { ...base, changes: [], kept };
    }
    if (!options.releaseHolds) {
      const n = data.held === undefined ? '' : `${data.held} `;
      kept.push(
        `the ${n}legal holds drp placed on s3://${bucket} stay ON: they are evidence; --release-holds sets OFF exactly those`,
      );
      return { ...base, changes: [], kept };
    }
    if (!data.manifest) {
      kept.push(
        `the legal holds on s3://${bucket} stay ON: the run journaled no legal-hold manifest (it was cut off in this step; finish it with drp resume, then restore)`,
      );
      return { ...base, changes: [], kept };
    }
    const path = await recorded.artefact(data.manifest);
    const count = await countPicked(drpHolds(path, recorded.plan.observed.objectLock?.enabled === true));
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
    return { ...base, changes, kept };
  },

  async apply(ctx, recorded, plan) {
    const { bucket, objectLock } = recorded.plan.observed;
    const path = await recorded.artefact(holdsData(recorded).manifest!);
    const total = plan.changes[0]?.count ?? 0;
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
        drpHolds(path, objectLock?.enabled === true),
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
  },
});
