import { createHash } from 'node:crypto';
import type { BatchJob } from '../../aws/s3control.js';
import { UserError } from '../../errors.js';
import { StepFailure, type Change, type StepContext } from '../define.js';
import { lineWriter } from './artefact-lines.js';
import { BatchJobFailed, batchRoleHint, reportLocation, waitForJob } from './legal-hold-job.js';
import { partitionOf } from '../../names.js';

/**
 * The S3 Batch Operations path of s3-legal-holds, for buckets too large to loop over: the CSV
 * manifest goes to the evidence bucket and one S3PutObjectLegalHold job does the work in AWS,
 * run by the role the operator names (batchRoleArn), which every deny drp writes exempts.
 */

const roleHint = (ctx: StepContext, bucket: string, evidenceBucket: string) =>
  batchRoleHint({ partition: partitionOf(ctx.caller.arn), bucket, evidenceBucket });

/** `s3://evidence/incidents/<incident>/batch/`: the manifest and the job's completion report. */
export const batchPrefix = (incidentId: string) => `incidents/${incidentId}/batch`;

/** The description drp gives its jobs; it finds its own unfinished job for a bucket by it. */
export const jobDescription = (bucket: string, incidentId: string) =>
  `drp legal hold s3://${bucket} (${incidentId})`;

/**
 * One manifest row. S3 Batch Operations reads the CSV URL-decoded, so keys are URL-encoded
 * (encodeURIComponent: "+" becomes %2B, so neither decoder turns it into a space); encoding
 * also removes every comma, quote and newline a CSV field could break on.
 */
export const csvRow = (bucket: string, key: string, versionId: string) =>
  `${bucket},${encodeURIComponent(key)},${encodeURIComponent(versionId)}`;

/** An unfinished job drp created for this bucket (any incident): a second would duplicate it. */
export function unfinishedJobFor(bucket: string, jobs: BatchJob[]): BatchJob | undefined {
  const prefix = `drp legal hold s3://${bucket} (`;
  return jobs.find((j) => j.description?.startsWith(prefix));
}

/**
 * What the batch path needs before it starts: the role (the operator's, named by batchRoleArn) and
 * the evidence bucket for the manifest. In a plan a UserError refuses the run before any change;
 * at apply (a count that passed the threshold) it fails this step only, after the isolation.
 */
export async function checkBatchPath(
  ctx: StepContext,
  bucket: string,
  opts: { threshold: number; evidenceBucket: string; roleArn?: string },
): Promise<void> {
  if (!opts.roleArn)
    throw new UserError(
      `s3-legal-holds: s3://${bucket} has more than ${opts.threshold} object versions, so the legal holds go through an S3 Batch Operations job, which needs batchRoleArn (a role S3 Batch Operations can assume); give it with 'drp contain --batch-role-arn ARN' (or the step's batchRoleArn), or raise the threshold ('--batch-threshold N', or the step's batchThreshold). ${roleHint(ctx, bucket, opts.evidenceBucket)}`,
    );
  if (!(await ctx.aws.s3.bucketExists(opts.evidenceBucket)))
    throw new UserError(
      `s3-legal-holds: evidence bucket "${opts.evidenceBucket}" for the Batch Operations manifest does not exist yet (the runbook creates it after containment): create it first ('drp preserve --bucket BUCKET' does), or pass --evidence-bucket naming an Object-Locked bucket`,
    );
}

/** The change the batch path makes, as a plan or a finished count shows it. */
export const batchJobChange = (
  ctx: StepContext,
  bucket: string,
  opts: { threshold: number; evidenceBucket: string; roleArn: string },
): Change => ({
  action: 'create-batch-job',
  target: `s3://${bucket}`,
  detail: `more than ${opts.threshold} versions: manifest to s3://${opts.evidenceBucket}/${batchPrefix(ctx.incidentId)}/, one S3PutObjectLegalHold job run by ${opts.roleArn}, waited for`,
});

export interface BatchResult {
  changes: Change[];
  requestIds: string[];
  data: {
    jobId?: string;
    jobStatus?: string;
    versions: number;
    deleteMarkers: number;
    manifest?: { local: string; sha256: string; uri: string; etag: string; versionId?: string };
    /** The job's tasks once it finished, and where its completion report is. */
    tasks?: { total?: number; succeeded: number; failed: number };
    report?: string;
  };
}

async function writeManifest(ctx: StepContext, bucket: string) {
  const csv = lineWriter(ctx.artefacts.stream(`legal-hold-manifest-${bucket}.csv`));
  let versions = 0;
  let deleteMarkers = 0;
  let failure: { error: unknown } | undefined;
  try {
    for await (const page of ctx.aws.s3.listObjectVersions(bucket)) {
      for (const entry of page) {
        if (entry.isDeleteMarker) deleteMarkers++;
        else {
          versions++;
          csv.add(csvRow(bucket, entry.key, entry.versionId));
        }
      }
    }
  } catch (error) {
    failure = { error };
  }
  // Closed (and journaled) even when the listing failed: it is evidence of what was listed.
  const ref = await csv.close({ uri: `s3://${bucket}` });
  if (failure) throw failure.error;
  return { ref, path: csv.path, versions, deleteMarkers };
}

/**
 * Lists every version into the CSV manifest (also kept as a local artefact), uploads it to the
 * evidence bucket, creates the job and waits for it (DescribeJob, with progress). An unfinished
 * drp job on the bucket (a run cut off while waiting) is waited for instead of a second one.
 * Throws StepFailure<BatchResult> with what was done; BatchJobFailed as its cause names the completion report.
 */
export async function runLegalHoldJob(
  ctx: StepContext,
  bucket: string,
  opts: { evidenceBucket: string; roleArn: string },
): Promise<BatchResult> {
  const prefix = batchPrefix(ctx.incidentId);
  const result: BatchResult = { changes: [], requestIds: [], data: { versions: 0, deleteMarkers: 0 } };
  try {
    const running = unfinishedJobFor(
      bucket,
      await ctx.aws.s3control.listUnfinishedJobs(ctx.caller.accountId),
    );
    const job = running ?? (await startJob(ctx, bucket, opts, result));
    if (running)
      result.changes.push({
        action: 'await-batch-job',
        target: `s3://${bucket}`,
        detail: `S3 Batch Operations job ${running.id} (${running.status}) was already putting legal holds on it: waited for it, no second job`,
      });
    result.data.jobId = job.id;
    const report = reportLocation(opts.evidenceBucket, prefix, job.id);
    result.data.report = report;
    const done = await waitForJob(ctx, job.id, {
      report,
      roleHint: roleHint(ctx, bucket, opts.evidenceBucket),
      ...(result.data.versions ? { total: result.data.versions } : {}),
    });
    result.data.jobStatus = done.status;
    result.data.tasks = {
      ...(done.total !== undefined ? { total: done.total } : {}),
      succeeded: done.succeeded,
      failed: done.failed,
    };
    return result;
  } catch (err) {
    if (err instanceof BatchJobFailed) {
      const { job } = err;
      result.data.jobStatus = job.status;
      result.data.tasks = {
        ...(job.total !== undefined ? { total: job.total } : {}),
        succeeded: job.succeeded,
        failed: job.failed,
      };
    }
    throw new StepFailure(result, { cause: err });
  }
}

/** The manifest written and uploaded, the job created: its id, and the changes recorded in `result`. */
async function startJob(
  ctx: StepContext,
  bucket: string,
  opts: { evidenceBucket: string; roleArn: string },
  result: BatchResult,
): Promise<BatchJob> {
  const partition = partitionOf(ctx.caller.arn);
  const prefix = batchPrefix(ctx.incidentId);
  const key = `${prefix}/legal-hold-manifest-${bucket}.csv`;
  const manifest = await writeManifest(ctx, bucket);
  Object.assign(result.data, { versions: manifest.versions, deleteMarkers: manifest.deleteMarkers });
  const up = await ctx.aws.s3.uploadFile(opts.evidenceBucket, key, manifest.path, 'text/csv');
  if (up.requestId) result.requestIds.push(up.requestId);
  result.data.manifest = {
    local: manifest.ref.path,
    sha256: manifest.ref.sha256,
    uri: `s3://${opts.evidenceBucket}/${key}`,
    etag: up.etag,
    ...(up.versionId ? { versionId: up.versionId } : {}),
  };
  result.changes.push({
    action: 'write-batch-manifest',
    target: `s3://${opts.evidenceBucket}/${key}`,
    detail: `${manifest.versions} versions (${manifest.deleteMarkers} delete markers skipped)`,
    count: manifest.versions,
  });
  const job = await ctx.aws.s3control.createLegalHoldJob({
    accountId: ctx.caller.accountId,
    roleArn: opts.roleArn,
    description: jobDescription(bucket, ctx.incidentId),
    // Same incident, bucket and manifest: a retried call cannot start a second job.
    clientRequestToken: createHash('sha256')
      .update(`${ctx.incidentId}\n${bucket}\n${up.etag}`)
      .digest('hex')
      .slice(0, 64),
    manifest: {
      objectArn: `arn:${partition}:s3:::${opts.evidenceBucket}/${key}`,
      etag: up.etag,
      ...(up.versionId ? { versionId: up.versionId } : {}),
    },
    report: { bucketArn: `arn:${partition}:s3:::${opts.evidenceBucket}`, prefix },
  });
  if (job.requestId) result.requestIds.push(job.requestId);
  result.changes.push({
    action: 'create-batch-job',
    target: `s3://${bucket}`,
    detail: `S3 Batch Operations job ${job.jobId} puts a legal hold on ${manifest.versions} versions, run by ${opts.roleArn}; report under ${reportLocation(opts.evidenceBucket, prefix, job.jobId)}`,
    count: manifest.versions,
  });
  return { id: job.jobId, status: 'New' };
}
