import { createHash } from 'node:crypto';
import type { BatchJob } from '../../aws/s3control.js';
import { UserError } from '../../errors.js';
import { StepFailure, type Change, type StepContext } from '../define.js';
import { lineWriter } from './artefact-lines.js';
import { partitionOf } from '../../names.js';

/**
 * The S3 Batch Operations path of s3-object-lock, for buckets too large to loop over: the CSV
 * manifest goes to the evidence bucket and one S3PutObjectLegalHold job does the work in AWS.
 */

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
 * The plan of the batch path. The role is needed only here, so its absence is found now, before
 * any change, as is a missing evidence bucket; an unfinished drp job on the bucket means no new one.
 */
export async function planLegalHoldJob(
  ctx: StepContext,
  bucket: string,
  opts: { threshold: number; evidenceBucket: string; roleArn?: string },
): Promise<{ change?: Change; note?: string }> {
  if (!opts.roleArn)
    throw new UserError(
      `s3-object-lock: s3://${bucket} has more than ${opts.threshold} object versions, so the legal holds go through an S3 Batch Operations job, which needs batchRoleArn (a role S3 Batch Operations can assume, allowed s3:PutObjectLegalHold on the bucket and s3:GetObject/s3:PutObject on the evidence bucket); give it with 'drp contain --batch-role-arn ARN' (or the step's batchRoleArn), or raise the threshold ('--batch-threshold N', or the step's batchThreshold)`,
    );
  if (!(await ctx.aws.s3.bucketExists(opts.evidenceBucket)))
    throw new UserError(
      `s3-object-lock: evidence bucket "${opts.evidenceBucket}" for the Batch Operations manifest does not exist yet (the runbook creates it after containment): create it first ('drp preserve --bucket BUCKET' does), or pass --evidence-bucket naming an Object-Locked bucket`,
    );
  const running = unfinishedJobFor(bucket, await ctx.aws.s3control.listUnfinishedJobs(ctx.caller.accountId));
  if (running)
    return {
      note: `S3 Batch Operations job ${running.id} (${running.status}) is already putting legal holds on s3://${bucket}: no second job`,
    };
  return {
    change: {
      action: 'create-batch-job',
      target: `s3://${bucket}`,
      detail: `more than ${opts.threshold} versions: manifest to s3://${opts.evidenceBucket}/${batchPrefix(ctx.incidentId)}/, one S3PutObjectLegalHold job run by ${opts.roleArn}`,
    },
  };
}

export interface BatchResult {
  changes: Change[];
  requestIds: string[];
  data: {
    jobId?: string;
    jobStatus?: string;
    versions: number;
    deleteMarkers: number;
    manifest?: { local: string; sha256: string; uri: string; etag: string; versionId?: string };
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

/** The job's status right after creation; the job exists whatever this read says. */
async function statusOf(ctx: StepContext, jobId: string): Promise<string> {
  try {
    return (await ctx.aws.s3control.describeJob(ctx.caller.accountId, jobId)).status;
  } catch (err) {
    ctx.log.warn({ err, jobId }, 'could not read the new job status');
    return 'status unknown';
  }
}

/**
 * Lists every version into the CSV manifest (also kept as a local artefact), uploads it to the
 * evidence bucket, and creates the job. The job id is what the journal keeps: the holds are
 * placed by S3 after drp exits, and the completion report lands beside the manifest.
 */
export async function startLegalHoldJob(
  ctx: StepContext,
  bucket: string,
  opts: { evidenceBucket: string; roleArn: string },
): Promise<BatchResult> {
  const partition = partitionOf(ctx.caller.arn);
  const prefix = batchPrefix(ctx.incidentId);
  const key = `${prefix}/legal-hold-manifest-${bucket}.csv`;
  const result: BatchResult = { changes: [], requestIds: [], data: { versions: 0, deleteMarkers: 0 } };
  try {
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
    result.data.jobId = job.jobId;
    const status = await statusOf(ctx, job.jobId);
    result.data.jobStatus = status;
    result.changes.push({
      action: 'create-batch-job',
      target: `s3://${bucket}`,
      detail: `S3 Batch Operations job ${job.jobId} (${status}) puts a legal hold on ${manifest.versions} versions; report under s3://${opts.evidenceBucket}/${prefix}/`,
      count: manifest.versions,
    });
    return result;
  } catch (err) {
    throw new StepFailure(result, { cause: err });
  }
}
