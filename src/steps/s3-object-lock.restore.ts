import type { DefaultRetention, ObjectLockConfig } from '../aws/s3-bucket-config.js';
import { defineRestore, StepFailure, type Applied, type Change, type Recorded } from './define.js';
import { applyRelease, planRelease } from './lib/legal-holds-release.js';
import { describeLock, type Observed } from './s3-object-lock.js';

type Params = { retentionDays?: number };

const ruleOf = (lock: ObjectLockConfig | null | undefined): DefaultRetention | undefined =>
  lock?.enabled && lock.mode
    ? {
        mode: lock.mode,
        ...(lock.days ? { days: lock.days } : {}),
        ...(lock.years ? { years: lock.years } : {}),
      }
    : undefined;

const sameRule = (a: DefaultRetention | undefined, b: DefaultRetention | undefined) =>
  a?.mode === b?.mode && (a?.days ?? 0) === (b?.days ?? 0) && (a?.years ?? 0) === (b?.years ?? 0);

const LOCK_ACTIONS = ['put-object-lock-configuration', 'remove-default-retention'];

/** Journals written before s3-legal-holds existed: this step placed the holds, and recorded how. */
const placedHolds = (r: Recorded<Params, Observed>) => 'holds' in (r.plan.observed as object);

function keptSettings(r: Recorded<Params, Observed>, changed: (action: string) => boolean): string[] {
  const { bucket, objectLock, versioning } = r.plan.observed;
  const kept: string[] = [];
  if (objectLock?.enabled !== true && changed('put-object-lock-configuration'))
    kept.push(`Object Lock stays enabled on s3://${bucket}: S3 cannot turn it off once it is enabled`);
  if (versioning?.status !== 'Enabled' && changed('put-bucket-versioning'))
    kept.push(
      `versioning stays Enabled on s3://${bucket}: S3 cannot suspend it on a bucket with Object Lock`,
    );
  return kept;
}

/**
 * Puts the bucket's Object Lock configuration back as far as S3 allows: Object Lock and
 * versioning cannot be turned off, but the default retention drp set is removed (or the bucket's
 * own put back), so later uploads are not locked for retentionDays. Versions written meanwhile
 * keep the retention they were given. Legal holds (journals from before s3-legal-holds) stay
 * unless --release-holds.
 */
export default defineRestore<Params, Observed>({
  permissions: [
    's3:GetBucketObjectLockConfiguration',
    's3:PutBucketObjectLockConfiguration',
    's3:PutObjectLegalHold',
  ],

  async plan(ctx, recorded, options) {
    const { bucket, objectLock: before } = recorded.plan.observed;
    const changed = (action: string) =>
      [...recorded.plan.changes, ...(recorded.result?.changes ?? [])].some((c) => c.action === action);
    const kept = keptSettings(recorded, changed);
    const changes: Change[] = [];
    const drift: string[] = [];
    let current: ObjectLockConfig | null | undefined;
    if (changed('put-object-lock-configuration')) {
      current = (await ctx.aws.s3.getObjectLockConfiguration(bucket)) ?? null;
      const target = ruleOf(before);
      const days = recorded.params.retentionDays;
      if (!sameRule(ruleOf(current), target)) {
        if (days !== undefined && !sameRule(ruleOf(current), { mode: 'GOVERNANCE', days }))
          drift.push(
            `the default retention of s3://${bucket} is now ${describeLock(current)}, not GOVERNANCE ${days} days as drp left it: changed since`,
          );
        changes.push(
          target
            ? {
                action: 'put-object-lock-configuration',
                target: `s3://${bucket}`,
                detail: `default retention back to ${describeLock(before)} (drp set GOVERNANCE ${days ?? '?'} days)`,
              }
            : {
                action: 'remove-default-retention',
                target: `s3://${bucket}`,
                detail: `no default retention, as before drp (Object Lock stays enabled; versions written since keep the retention they were given)`,
              },
        );
      }
    }
    if (placedHolds(recorded)) {
      const holds = await planRelease(recorded, bucket, before?.enabled === true, options);
      changes.push(...holds.changes);
      kept.push(...holds.kept);
    }
    return {
      observed: { bucket, ...(current !== undefined ? { objectLock: current } : {}) },
      before: { objectLock: before, legalHolds: 'none on the versions drp held' },
      changes,
      drift,
      kept,
    };
  },

  async apply(ctx, recorded, plan) {
    const { bucket, objectLock: before } = recorded.plan.observed;
    const done: Applied = { changes: [], requestIds: [] };
    const lock = plan.changes.find((c) => LOCK_ACTIONS.includes(c.action));
    if (lock) {
      const call = await ctx.aws.s3.restoreObjectLockRule(bucket, ruleOf(before));
      done.changes.push(lock);
      if (call.requestId) done.requestIds.push(call.requestId);
    }
    const release = plan.changes.find((c) => c.action === 'release-legal-hold');
    if (!release) return done;
    try {
      const r = await applyRelease(ctx, recorded, bucket, before?.enabled === true, release.count ?? 0);
      return {
        changes: [...done.changes, ...r.changes],
        requestIds: [...done.requestIds, ...r.requestIds],
        data: r.data,
      };
    } catch (err) {
      if (!(err instanceof StepFailure)) throw new StepFailure(done, { cause: err });
      const p = err.partial;
      throw new StepFailure(
        { ...p, changes: [...done.changes, ...p.changes], requestIds: [...done.requestIds, ...p.requestIds] },
        { cause: err.cause },
      );
    }
  },
});
