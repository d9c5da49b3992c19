import { Interrupted } from '../errors.js';
import * as z from 'zod';
import type { BucketVersioning, ObjectLockConfig } from '../aws/s3-bucket-config.js';
import { defineStep, StepFailure, type Applied, type Change } from './define.js';
import { planLegalHoldJob, startLegalHoldJob, type BatchResult } from './lib/legal-hold-batch.js';
import { holdEveryVersion, surveyVersions, type HoldResult } from './lib/legal-holds.js';
import { BucketName, RoleArn } from '../names.js';
import restore from './s3-object-lock.restore.js';
import { requireBucket } from './lib/bucket.js';
import { plural } from '../text.js';

export interface Observed {
  bucket: string;
  /** null: versioning was never enabled. */
  versioning: BucketVersioning | null;
  /** null: Object Lock is not enabled. */
  objectLock: ObjectLockConfig | null;
  /** Object versions and delete markers listed; on the batch path the count stopped above batchThreshold. */
  versions: number;
  deleteMarkers: number;
  /** Versions that already had a legal hold (only checked when Object Lock was already on). */
  alreadyHeld: number;
  holds: 'per-version' | 'batch';
}

function describeLock(lock: ObjectLockConfig | null): string {
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

const holdsChange = (bucket: string, r: HoldResult, expected?: number, stop = 'the failure'): Change => ({
  action: 'put-legal-hold',
  target: `s3://${bucket}`,
  detail:
    (expected === undefined
      ? `${plural(r.placed, 'version')} held`
      : `${r.placed} of ${plural(expected, 'version')} held before ${stop}`) +
    ` (${plural(r.deleteMarkers, 'delete marker')} skipped${r.alreadyHeld ? `, ${r.alreadyHeld} already held` : ''}); manifest ${r.manifest.path}`,
  count: r.placed,
});

const holdsData = (r: HoldResult) => ({
  held: r.placed,
  alreadyHeld: r.alreadyHeld,
  deleteMarkers: r.deleteMarkers,
  versions: r.versions,
  manifest: { path: r.manifest.path, sha256: r.manifest.sha256 },
});

export default defineStep({
  type: 's3-object-lock',
  summary:
    'Enable versioning and Object Lock (GOVERNANCE, default retention retentionDays) and put a legal hold on every existing object version',
  params: z
    .object({
      bucket: BucketName.describe('The leaked bucket'),
      retentionDays: z
        .number()
        .int()
        .min(1)
        .max(36500)
        .default(30)
        .describe('Default Object Lock retention (GOVERNANCE) in days; a stronger one already set is kept'),
      batchThreshold: z
        .number()
        .int()
        .min(1)
        .default(100_000)
        .describe('Above this many versions, one S3 Batch Operations job places the holds instead of drp'),
      evidenceBucket: BucketName.optional().describe(
        "Where the Batch Operations manifest and report go (in the bundled runbook: the run's evidence bucket)",
      ),
      batchRoleArn: z
        .union([RoleArn, z.literal('')])
        .optional()
        .describe('The role S3 Batch Operations assumes; needed only above batchThreshold'),
    })
    .strict(),
  permissions: [
    's3:ListBucket',
    's3:GetBucketVersioning',
    's3:PutBucketVersioning',
    's3:GetBucketObjectLockConfiguration',
    's3:PutBucketObjectLockConfiguration',
    's3:ListBucketVersions',
    's3:GetObjectLegalHold',
    's3:PutObjectLegalHold',
    's3:PutObject',
    's3:CreateJob',
    's3:DescribeJob',
    's3:ListJobs',
    'iam:PassRole',
  ],
  example: { bucket: 'product-media-prod', retentionDays: 30, evidenceBucket: 'drp-evidence-123456789012' },

  async plan(ctx, p) {
    const { s3 } = ctx.aws;
    await requireBucket(s3, p.bucket);
    const versioning = (await s3.getVersioning(p.bucket)) ?? null;
    const objectLock = (await s3.getObjectLockConfiguration(p.bucket)) ?? null;
    // Legal holds need Object Lock: without it no version can hold one, and none is read.
    const survey = await surveyVersions(ctx, p.bucket, {
      checkHolds: objectLock?.enabled === true,
      stopAbove: p.batchThreshold,
    });
    const target = `s3://${p.bucket}`;
    const changes: Change[] = [];
    const notes: string[] = [];
    if (versioning?.status !== 'Enabled')
      changes.push({
        action: 'put-bucket-versioning',
        target,
        detail: `Enabled (was: ${versioning?.status ?? 'never enabled'})`,
      });
    const lock = lockChange(p.bucket, objectLock, p.retentionDays);
    if (lock.change) changes.push(lock.change);
    if (lock.note) notes.push(lock.note);

    const batch = !survey.complete;
    if (batch) {
      const job = await planLegalHoldJob(ctx, p.bucket, {
        threshold: p.batchThreshold,
        evidenceBucket: p.evidenceBucket ?? ctx.settings.evidenceBucket,
        roleArn: p.batchRoleArn || undefined,
      });
      if (job.change) changes.push(job.change);
      if (job.note) notes.push(job.note);
    } else {
      const toHold = survey.versions - survey.alreadyHeld;
      if (toHold > 0)
        changes.push({
          action: 'put-legal-hold',
          target,
          detail: `${plural(toHold, 'version')} (${plural(survey.deleteMarkers, 'delete marker')} skipped${survey.alreadyHeld ? `, ${survey.alreadyHeld} already held` : ''})`,
          count: toHold,
        });
    }
    const observed: Observed = {
      bucket: p.bucket,
      versioning,
      objectLock,
      versions: survey.versions,
      deleteMarkers: survey.deleteMarkers,
      alreadyHeld: survey.alreadyHeld,
      holds: batch ? 'batch' : 'per-version',
    };
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, p, plan) {
    const { s3 } = ctx.aws;
    const done: Applied = { changes: [], requestIds: [] };
    const record = (change: Change, call: { requestId?: string }) => {
      done.changes.push(change);
      if (call.requestId) done.requestIds.push(call.requestId);
    };
    try {
      for (const change of plan.changes) {
        if (change.action === 'put-bucket-versioning') record(change, await s3.enableVersioning(p.bucket));
        if (change.action === 'put-object-lock-configuration')
          record(change, await s3.putObjectLockConfiguration(p.bucket, 'GOVERNANCE', p.retentionDays));
      }
    } catch (err) {
      throw new StepFailure(done, { cause: err });
    }

    const holds = plan.changes.find((c) => c.action === 'put-legal-hold');
    if (holds) {
      const expected = holds.count ?? 0;
      try {
        const r = await holdEveryVersion(ctx, p.bucket, {
          checkHolds: plan.observed.objectLock?.enabled === true,
          total: plan.observed.versions,
        });
        if (r.placed) done.changes.push(holdsChange(p.bucket, r));
        return { ...done, requestIds: [...done.requestIds, ...r.requestIds], data: holdsData(r) };
      } catch (err) {
        if (!(err instanceof StepFailure)) throw new StepFailure(done, { cause: err });
        const r = err.partial as HoldResult;
        throw new StepFailure(
          {
            changes: [
              ...done.changes,
              holdsChange(
                p.bucket,
                r,
                expected,
                err.cause instanceof Interrupted ? 'the interrupt' : undefined,
              ),
            ],
            requestIds: [...done.requestIds, ...r.requestIds],
            data: holdsData(r),
          },
          { cause: err.cause },
        );
      }
    }

    if (plan.changes.some((c) => c.action === 'create-batch-job')) {
      try {
        const r = await startLegalHoldJob(ctx, p.bucket, {
          evidenceBucket: p.evidenceBucket ?? ctx.settings.evidenceBucket,
          roleArn: p.batchRoleArn ?? '',
        });
        return {
          changes: [...done.changes, ...r.changes],
          requestIds: [...done.requestIds, ...r.requestIds],
          data: r.data,
        };
      } catch (err) {
        const partial = err instanceof StepFailure ? (err.partial as BatchResult) : undefined;
        throw new StepFailure(
          {
            changes: [...done.changes, ...(partial?.changes ?? [])],
            requestIds: [...done.requestIds, ...(partial?.requestIds ?? [])],
            ...(partial ? { data: partial.data } : {}),
          },
          { cause: err instanceof StepFailure ? err.cause : err },
        );
      }
    }
    return done;
  },

  restore,
});
