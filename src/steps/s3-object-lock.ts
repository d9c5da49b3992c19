import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { BucketVersioning, ObjectLockConfig } from '../aws/s3-bucket-config.js';
import { defineStep, StepFailure, type Applied, type Change } from './define.js';
import { BucketName } from '../names.js';
import { plural } from '../text.js';
import { requireBucket } from './lib/bucket.js';
import restore from './s3-object-lock.restore.js';

export interface Observed {
  bucket: string;
  /** null: versioning was never enabled. */
  versioning: BucketVersioning | null;
  /** null: Object Lock is not enabled. */
  objectLock: ObjectLockConfig | null;
  // Journals of drp before s3-legal-holds (this step placed the holds then) also recorded
  // versions, deleteMarkers, alreadyHeld and holds here; the restore reads them as they are.
}

export function describeLock(lock: ObjectLockConfig | null): string {
  if (!lock?.enabled) return 'not enabled';
  if (!lock.mode) return 'enabled, no default retention';
  return `${lock.mode} ${[lock.years && plural(lock.years, 'year'), lock.days && plural(lock.days, 'day')].filter(Boolean).join(' ')}`;
}

/** Our default retention unless the bucket's is at least as strong: never weaken COMPLIANCE or shorten it. */
function lockChange(bucket: string, lock: ObjectLockConfig | null, days: number) {
  const existingDays = (lock?.days ?? 0) + (lock?.years ?? 0) * 365;
  const strongEnough = lock?.enabled && (lock.mode === 'COMPLIANCE' || (lock.mode && existingDays >= days));
  if (strongEnough) {
    const same = lock.mode === 'GOVERNANCE' && existingDays === days && !lock.years;
    return same ? {} : { note: `kept the bucket's stronger default retention (${describeLock(lock)})` };
  }
  const change: Change = {
    action: 'put-object-lock-configuration',
    target: `s3://${bucket}`,
    detail: `GOVERNANCE, default retention ${plural(days, 'day')} (was: ${describeLock(lock)})`,
  };
  return { change };
}

/**
 * How long PutObjectLockConfiguration is retried while S3 answers InvalidBucketState (409) right
 * after drp enabled versioning: S3 says a new versioning state takes a short time to propagate.
 * The SDK's retry strategy retries throttling and 5xx for every call; a 409 is retried only here,
 * where drp knows it has just enabled versioning itself.
 */
export const VERSIONING_PROPAGATION = { maxMs: 120_000, firstDelayMs: 1000, maxDelayMs: 15_000 };

/** Runs `put` again while it fails with InvalidBucketState, for at most `maxMs`, the pauses doubling. */
export async function retryWhileVersioningPropagates<T>(
  put: () => Promise<T>,
  limits = VERSIONING_PROPAGATION,
  now = () => Date.now(),
): Promise<T> {
  const started = now();
  for (let delay = limits.firstDelayMs; ; delay = Math.min(delay * 2, limits.maxDelayMs)) {
    try {
      return await put();
    } catch (err) {
      const waited = now() - started;
      if ((err as Error).name !== 'InvalidBucketState' || waited + delay > limits.maxMs) throw err;
      await sleep(delay);
    }
  }
}

export default defineStep({
  type: 's3-object-lock',
  summary:
    'Enable versioning and Object Lock with a default retention (GOVERNANCE, retentionDays) on the bucket, so every version written from now on is locked; the legal holds on existing versions are s3-legal-holds',
  params: z
    .object({
      bucket: BucketName,
      retentionDays: z.number().int().min(1).max(36500).default(30),
    })
    .strict(),
  permissions: [
    's3:ListBucket',
    's3:GetBucketVersioning',
    's3:PutBucketVersioning',
    's3:GetBucketObjectLockConfiguration',
    's3:PutBucketObjectLockConfiguration',
  ],
  example: { bucket: 'product-media-prod', retentionDays: 30 },

  async plan(ctx, p) {
    const { s3 } = ctx.aws;
    await requireBucket(s3, p.bucket);
    const versioning = (await s3.getVersioning(p.bucket)) ?? null;
    const objectLock = (await s3.getObjectLockConfiguration(p.bucket)) ?? null;
    const target = `s3://${p.bucket}`;
    const changes: Change[] = [];
    if (versioning?.status !== 'Enabled')
      changes.push({
        action: 'put-bucket-versioning',
        target,
        detail: `Enabled (was: ${versioning?.status ?? 'never enabled'})`,
      });
    const lock = lockChange(p.bucket, objectLock, p.retentionDays);
    if (lock.change) changes.push(lock.change);
    const observed: Observed = { bucket: p.bucket, versioning, objectLock };
    return { observed, changes, ...(lock.note ? { notes: [lock.note] } : {}) };
  },

  async apply(ctx, p, plan) {
    const { s3 } = ctx.aws;
    const done: Applied = { changes: [], requestIds: [] };
    const record = (change: Change, call: { requestId?: string }) => {
      done.changes.push(change);
      if (call.requestId) done.requestIds.push(call.requestId);
    };
    let versioningEnabledAt: string | undefined;
    try {
      for (const change of plan.changes) {
        if (change.action === 'put-bucket-versioning') {
          record(change, await s3.enableVersioning(p.bucket));
          versioningEnabledAt = ctx.now().toISOString();
        }
        if (change.action === 'put-object-lock-configuration') {
          const put = () => s3.putObjectLockConfiguration(p.bucket, 'GOVERNANCE', p.retentionDays);
          record(change, versioningEnabledAt ? await retryWhileVersioningPropagates(put) : await put());
        }
      }
    } catch (err) {
      // The SDK error is kept (its operation and request id go to the journal), with what to do.
      if (err instanceof Error && err.name === 'InvalidBucketState' && versioningEnabledAt)
        err.message += ` (still, ${VERSIONING_PROPAGATION.maxMs / 1000} s after drp enabled versioning at ${versioningEnabledAt}; S3 can take up to 15 minutes to propagate it: run the same command again with the same --incident in a few minutes)`;
      throw new StepFailure(done, { cause: err });
    }
    return done;
  },

  restore,
});
