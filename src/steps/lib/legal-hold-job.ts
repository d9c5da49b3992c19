import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchJobProgress } from '../../aws/s3control.js';
import type { StepContext } from '../define.js';
import type { ServiceRole } from '../define.js';

/**
 * The S3 Batch Operations job of s3-legal-holds: the role it runs as, and waiting for it (the holds
 * are evidence only once they are placed, so the step ends when the job does, and fails when any
 * task failed).
 */

/**
 * The role S3 Batch Operations assumes: what it must be allowed (the S3 user guide's "S3 Object
 * Lock legal hold" and "Granting permissions for Batch Operations"): check Object Lock on the
 * bucket, put the holds, read drp's manifest (a versioned object), write the completion report.
 */
export function batchRolePolicy(names: { partition: string; bucket: string; evidenceBucket: string }) {
  const arn = (resource: string) => `arn:${names.partition}:s3:::${resource}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DrpBatchCheckObjectLock',
        Effect: 'Allow',
        Action: ['s3:GetBucketObjectLockConfiguration'],
        Resource: [arn(names.bucket)],
      },
      {
        Sid: 'DrpBatchLegalHolds',
        Effect: 'Allow',
        Action: ['s3:PutObjectLegalHold'],
        Resource: [arn(`${names.bucket}/*`)],
      },
      {
        Sid: 'DrpBatchReadManifest',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [arn(`${names.evidenceBucket}/incidents/*`)],
      },
      {
        Sid: 'DrpBatchWriteReport',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [arn(`${names.evidenceBucket}/incidents/*`)],
      },
      {
        Sid: 'DrpBatchBucketLocation',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation'],
        Resource: [arn(names.evidenceBucket)],
      },
    ],
  };
}

/** The trust policy: only S3 Batch Operations may assume the role. */
export const BATCH_TRUST_SERVICE = 'batchoperations.s3.amazonaws.com';

/** What an operator needs to fix the role: its trust and its full policy, with this run's names. */
export const batchRoleHint = (names: { partition: string; bucket: string; evidenceBucket: string }) =>
  `The role's trust policy names the service ${BATCH_TRUST_SERVICE}; its policy: ${JSON.stringify(batchRolePolicy(names))}`;

/** s3-legal-holds' service role, as `drp permissions --service-roles` prints it (placeholders in capitals). */
export const BATCH_ROLE: ServiceRole = {
  param: 'batchRoleArn',
  summary:
    'S3 Batch Operations assumes it to put the legal holds above batchThreshold versions; BUCKET is the leaked bucket, EVIDENCE_BUCKET the evidence bucket',
  service: BATCH_TRUST_SERVICE,
  policy: batchRolePolicy({ partition: 'aws', bucket: 'BUCKET', evidenceBucket: 'EVIDENCE_BUCKET' }),
};

/** A job in one of these will not change any more (S3 Control's JobStatus). */
const FINISHED_JOB_STATUSES: readonly string[] = ['Complete', 'Failed', 'Cancelled'];

/** DescribeJob every this many ms: a job of a million tasks runs for minutes to hours. */
export const JOB_POLLING = { ms: 15_000 };

/** Where S3 writes a job's completion report: `<prefix>/job-<id>/` in the report bucket. */
export const reportLocation = (evidenceBucket: string, prefix: string, jobId: string) =>
  `s3://${evidenceBucket}/${prefix}/job-${jobId}/`;

/** The job finished but did not hold every version: its report names each failed task. */
export class BatchJobFailed extends Error {
  override readonly name = 'BatchJobFailed';
  constructor(
    readonly job: BatchJobProgress,
    readonly report: string,
    roleHint: string,
  ) {
    const total = job.total === undefined ? '' : ` of ${job.total}`;
    const reasons = job.failureReasons.length ? ` (${job.failureReasons.join('; ')})` : '';
    super(
      `S3 Batch Operations job ${job.id} ended ${job.status}: ${job.failed}${total} task(s) failed${reasons}. ` +
        `The completion report is in ${report} (manifest.json, then results/*.csv: each failed task with its error code). ` +
        `NoSuchVersion there means the version was deleted after the listing; AccessDenied means the job's role lacks a permission ` +
        `(drp permissions RUNBOOK --service-roles prints its policies). ${roleHint} ` +
        `Run the same command again with the same --incident to hold what is left.`,
    );
  }
}

/** A job waiting for a confirmation drp never asked for: someone changed it; it will not run by itself. */
export class BatchJobSuspended extends Error {
  override readonly name = 'BatchJobSuspended';
}

/**
 * Polls the job until it is Complete, Failed or Cancelled, showing its tasks done on the progress
 * line. Resolves with the final description when every task succeeded; throws BatchJobFailed
 * otherwise, naming the completion report.
 */
export async function waitForJob(
  ctx: StepContext,
  jobId: string,
  opts: { report: string; total?: number; roleHint: string },
): Promise<BatchJobProgress> {
  const bar = ctx.progress.start(`S3 Batch Operations job ${jobId}`, opts.total);
  let shown = 0;
  try {
    for (;;) {
      const job = await ctx.aws.s3control.describeJob(ctx.caller.accountId, jobId);
      const done = job.succeeded + job.failed;
      if (done > shown) bar.tick(done - shown);
      shown = Math.max(shown, done);
      if (FINISHED_JOB_STATUSES.includes(job.status)) {
        if (job.status !== 'Complete' || job.failed > 0)
          throw new BatchJobFailed(job, opts.report, opts.roleHint);
        return job;
      }
      if (job.status === 'Suspended')
        throw new BatchJobSuspended(
          `S3 Batch Operations job ${jobId} is Suspended, waiting for a confirmation: confirm it (aws s3control update-job-status --account-id ${ctx.caller.accountId} --job-id ${jobId} --requested-job-status Ready), then run the same command again with the same --incident`,
        );
      ctx.log.debug({ jobId, status: job.status, succeeded: job.succeeded, failed: job.failed }, 'batch job');
      await sleep(JOB_POLLING.ms);
    }
  } finally {
    bar.done();
  }
}
