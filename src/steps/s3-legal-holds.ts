import * as z from 'zod';
import { Interrupted } from '../errors.js';
import type { ObjectLockConfig } from '../aws/s3-bucket-config.js';
import { defineStep, StepFailure, type Applied, type Change, type StepContext } from './define.js';
import { batchJobChange, checkBatchPath, runLegalHoldJob, type BatchResult } from './lib/legal-hold-batch.js';
import { BATCH_ROLE } from './lib/legal-hold-job.js';
import {
  countVersions,
  holdEveryVersion,
  sampleVersions,
  type HoldResult,
  type VersionCount,
} from './lib/legal-holds.js';
import { BucketName, RoleArn } from '../names.js';
import { plural } from '../text.js';
import { requireBucket } from './lib/bucket.js';
import restore from './s3-legal-holds.restore.js';
import { legalHoldCost } from './lib/costs.js';

export interface Observed {
  bucket: string;
  /** Object Lock before this step (null: off). Off: no version can hold one yet, so none is read. */
  objectLock: ObjectLockConfig | null;
  /** The plan's bounded look at the listing: its first page, complete when that is the whole bucket. */
  listed: VersionCount;
}

const Params = z
  .object({
    bucket: BucketName,
    /** Above this many versions, one S3 Batch Operations job places the holds instead of drp. */
    batchThreshold: z.number().int().min(1).default(100_000),
    /** Where the Batch Operations manifest and report go (default: the run's evidence bucket). */
    evidenceBucket: BucketName.optional(),
    /** The role S3 Batch Operations assumes; required only when the batch path is taken ('' = none). */
    batchRoleArn: z.union([RoleArn, z.literal('')]).optional(),
  })
  .strict();
type Params = z.output<typeof Params>;

const batchOptions = (ctx: StepContext, p: Params) => ({
  threshold: p.batchThreshold,
  evidenceBucket: p.evidenceBucket ?? ctx.settings.evidenceBucket,
  roleArn: p.batchRoleArn || undefined,
});

/** `stop`: what cut the holds short (the failure, or the interrupt), with how many were planned. */
const holdsChange = (
  bucket: string,
  r: HoldResult,
  stop?: { by: 'the failure' | 'the interrupt'; expected?: number },
): Change => ({
  action: 'put-legal-hold',
  target: `s3://${bucket}`,
  detail:
    (stop
      ? `${stop.expected === undefined ? plural(r.placed, 'version') : `${r.placed} of ${plural(stop.expected, 'version')}`} held before ${stop.by}`
      : `${plural(r.placed, 'version')} held`) +
    ' (' +
    [
      plural(r.deleteMarkers, 'delete marker') + ' skipped',
      r.alreadyHeld ? `${r.alreadyHeld} already held` : '',
      r.vanished ? `${r.vanished} vanished between listing and hold` : '',
    ]
      .filter(Boolean)
      .join(', ') +
    `); manifest ${r.manifest.path}`,
  count: r.placed,
});

const holdsData = (r: HoldResult) => ({
  held: r.placed,
  alreadyHeld: r.alreadyHeld,
  deleteMarkers: r.deleteMarkers,
  vanished: r.vanished,
  versions: r.versions,
  manifest: { path: r.manifest.path, sha256: r.manifest.sha256 },
});

const vanishedNote = (r: HoldResult) =>
  r.vanished
    ? [
        `${plural(r.vanished, 'version')} vanished between the listing and its hold (deleted since: lifecycle expiry, or a principal still writing); each is in the manifest marked "vanished"`,
      ]
    : [];

/** The plan's change when the first page is not the whole bucket: the count is finished while applying. */
function openChange(bucket: string, listed: VersionCount, p: Params): Change {
  const via = p.batchRoleArn
    ? `, or above ${plural(p.batchThreshold, 'version')} one S3 Batch Operations job run by ${p.batchRoleArn}`
    : '';
  return {
    action: 'put-legal-hold',
    target: `s3://${bucket}`,
    detail: `every version: more than the ${plural(listed.versions, 'version')} of the first page (the plan reads one page, so containment is not kept waiting); counted while applying, then held per version${via}`,
  };
}

/** `listed`: the versions and delete markers the plan or the count found (the progress bar's total). */
async function perVersion(
  ctx: StepContext,
  p: Params,
  checkHolds: boolean,
  listed?: { versions: number; deleteMarkers: number },
): Promise<Applied> {
  const total = listed && listed.versions + listed.deleteMarkers;
  try {
    const r = await holdEveryVersion(ctx, p.bucket, { checkHolds, ...(total ? { total } : {}) });
    const notes = vanishedNote(r);
    return {
      changes: r.placed ? [holdsChange(p.bucket, r)] : [],
      requestIds: r.requestIds,
      data: holdsData(r),
      ...(notes.length ? { notes } : {}),
    };
  } catch (err) {
    if (!(err instanceof StepFailure)) throw new StepFailure({ changes: [], requestIds: [] }, { cause: err });
    const r = err.partial as HoldResult;
    throw new StepFailure(
      {
        changes: [
          holdsChange(p.bucket, r, {
            by: err.cause instanceof Interrupted ? 'the interrupt' : 'the failure',
            ...(listed ? { expected: listed.versions } : {}),
          }),
        ],
        requestIds: r.requestIds,
        data: holdsData(r),
        notes: vanishedNote(r),
      },
      { cause: err.cause },
    );
  }
}

async function batch(ctx: StepContext, p: Params, checked: boolean): Promise<Applied> {
  const opts = batchOptions(ctx, p);
  try {
    if (!checked) await checkBatchPath(ctx, p.bucket, opts);
    const r = await runLegalHoldJob(ctx, p.bucket, {
      evidenceBucket: opts.evidenceBucket,
      roleArn: opts.roleArn!,
    });
    return { changes: r.changes, requestIds: r.requestIds, data: r.data };
  } catch (err) {
    const partial = err instanceof StepFailure ? (err.partial as BatchResult) : undefined;
    throw new StepFailure(
      {
        changes: partial?.changes ?? [],
        requestIds: partial?.requestIds ?? [],
        ...(partial ? { data: partial.data } : {}),
      },
      { cause: err instanceof StepFailure ? err.cause : err },
    );
  }
}

/** The plan finished while applying, said in the result (and in a failure's partial result). */
async function noting(note: string, run: () => Promise<Applied>): Promise<Applied> {
  try {
    const applied = await run();
    return { ...applied, notes: [note, ...(applied.notes ?? [])] };
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    throw new StepFailure(
      { ...err.partial, notes: [note, ...(err.partial.notes ?? [])] },
      { cause: err.cause },
    );
  }
}

export default defineStep({
  type: 's3-legal-holds',
  summary:
    'Put a legal hold ON on every existing object version of the bucket (Object Lock must be on: s3-object-lock), per version or, above batchThreshold, through one S3 Batch Operations job waited for; the plan reads one page, so it runs after the isolation steps without delaying them',
  params: Params,
  permissions: [
    's3:ListBucket',
    's3:GetBucketObjectLockConfiguration',
    's3:ListBucketVersions',
    's3:GetObjectLegalHold',
    's3:PutObjectLegalHold',
    's3:PutObject',
    's3:CreateJob',
    's3:DescribeJob',
    's3:ListJobs',
    'iam:PassRole',
  ],
  serviceRoles: [BATCH_ROLE],
  example: {
    bucket: 'product-media-prod',
    batchThreshold: 100000,
    evidenceBucket: 'drp-evidence-123456789012',
    batchRoleArn: 'arn:aws:iam::123456789012:role/drp-batch-legal-hold',
  },

  async plan(ctx, p) {
    const { s3 } = ctx.aws;
    await requireBucket(s3, p.bucket);
    const objectLock = (await s3.getObjectLockConfiguration(p.bucket)) ?? null;
    const listed = await sampleVersions(ctx, p.bucket);
    const observed: Observed = { bucket: p.bucket, objectLock, listed };
    if (!listed.complete) {
      const notes = p.batchRoleArn
        ? []
        : [
            `s3://${p.bucket} has more than one page of versions: if it has more than ${plural(p.batchThreshold, 'version')}, the holds need an S3 Batch Operations role (--batch-role-arn); without one this step fails, after the isolation steps, and holds nothing`,
          ];
      return { observed, changes: [openChange(p.bucket, listed, p)], ...(notes.length ? { notes } : {}) };
    }
    if (listed.versions > p.batchThreshold) {
      const opts = batchOptions(ctx, p);
      await checkBatchPath(ctx, p.bucket, opts);
      return { observed, changes: [batchJobChange(ctx, p.bucket, { ...opts, roleArn: opts.roleArn! })] };
    }
    if (listed.versions === 0) return { observed, changes: [] };
    const skipped = objectLock?.enabled ? '; versions already held are left as they are' : '';
    return {
      observed,
      changes: [
        {
          action: 'put-legal-hold',
          target: `s3://${p.bucket}`,
          detail: `${plural(listed.versions, 'version')} (${plural(listed.deleteMarkers, 'delete marker')} skipped${skipped})`,
          count: listed.versions,
        },
      ],
    };
  },

  async apply(ctx, p, plan) {
    const checkHolds = plan.observed.objectLock?.enabled === true;
    if (plan.changes.some((c) => c.action === 'create-batch-job')) return batch(ctx, p, true);
    const { listed } = plan.observed;
    if (listed.complete) return perVersion(ctx, p, checkHolds, listed);
    // The plan read one page; the count is finished now, after the isolation, up to the threshold.
    let count: VersionCount;
    try {
      count = await countVersions(ctx, p.bucket, p.batchThreshold);
    } catch (err) {
      throw new StepFailure({ changes: [], requestIds: [] }, { cause: err });
    }
    const counted = count.complete
      ? `counted while applying (the plan read one page): ${plural(count.versions, 'version')} and ${plural(count.deleteMarkers, 'delete marker')}, held per version`
      : `counted while applying (the plan read one page): more than ${plural(p.batchThreshold, 'version')}, held by one S3 Batch Operations job`;
    return noting(counted, () =>
      count.complete ? perVersion(ctx, p, checkHolds, count) : batch(ctx, p, false),
    );
  },

  restore,
  cost: (plan) => legalHoldCost(plan),
});
