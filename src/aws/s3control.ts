import {
  CreateJobCommand,
  DescribeJobCommand,
  paginateListJobs,
  S3ControlClient,
  type JobStatus,
} from '@aws-sdk/client-s3-control';
import { callOf, type Call } from './call.js';
import { clientOptions, instrument, usesCustomS3Endpoint, type AwsSettings } from './config.js';

/** An S3 Batch Operations job that puts a legal hold ON on every version a CSV manifest lists. */
export interface LegalHoldJobRequest {
  accountId: string;
  roleArn: string;
  description: string;
  /** Idempotency token: the same token does not create a second job. */
  clientRequestToken: string;
  /** The manifest object: CSV with the columns Bucket, Key, VersionId. */
  manifest: { objectArn: string; etag: string; versionId?: string };
  /** Where S3 writes the completion report (every task). */
  report: { bucketArn: string; prefix: string };
}

export interface BatchJob {
  id: string;
  status: string;
  description?: string;
}

/** What DescribeJob says of a job: its status, its task counts so far, why it failed. */
export interface BatchJobProgress extends BatchJob {
  total?: number;
  succeeded: number;
  failed: number;
  /** JobFailure entries: "code: reason" (the job itself failed, e.g. the manifest could not be read). */
  failureReasons: string[];
  /** Where the completion report goes: s3://bucket/prefix (S3 writes it under job-<id>/). */
  report?: { bucketArn: string; prefix?: string };
}

/** Statuses of a job that has not finished: a second job for the same work would duplicate it. */
export const UNFINISHED_JOB_STATUSES: JobStatus[] = [
  'New',
  'Preparing',
  'Suspended',
  'Ready',
  'Active',
  'Pausing',
  'Paused',
];

export interface S3ControlPort {
  createLegalHoldJob(request: LegalHoldJobRequest): Promise<Call & { jobId: string }>;
  describeJob(accountId: string, jobId: string): Promise<BatchJobProgress>;
  /** Jobs of the account that have not finished yet. */
  listUnfinishedJobs(accountId: string): Promise<BatchJob[]>;
}

export function createS3ControlClient(settings: AwsSettings, readOnly: boolean): S3ControlClient {
  // S3 Control prefixes the host with the account id; an emulator endpoint has no such host.
  return instrument(
    new S3ControlClient({ ...clientOptions(settings), disableHostPrefix: usesCustomS3Endpoint(settings) }),
    readOnly,
  );
}

export function createS3ControlPort(client: S3ControlClient): S3ControlPort {
  return {
    async createLegalHoldJob(r) {
      const out = await client.send(
        new CreateJobCommand({
          AccountId: r.accountId,
          // drp's operator already confirmed the plan: the job runs without a second confirmation.
          ConfirmationRequired: false,
          Operation: { S3PutObjectLegalHold: { LegalHold: { Status: 'ON' } } },
          Manifest: {
            Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
            Location: {
              ObjectArn: r.manifest.objectArn,
              ETag: r.manifest.etag,
              ...(r.manifest.versionId ? { ObjectVersionId: r.manifest.versionId } : {}),
            },
          },
          Report: {
            Enabled: true,
            Bucket: r.report.bucketArn,
            Prefix: r.report.prefix,
            Format: 'Report_CSV_20180820',
            ReportScope: 'AllTasks',
          },
          ClientRequestToken: r.clientRequestToken,
          Description: r.description,
          Priority: 10,
          RoleArn: r.roleArn,
        }),
      );
      return { ...callOf(out), jobId: out.JobId ?? '' };
    },

    async describeJob(accountId, jobId) {
      const { Job } = await client.send(new DescribeJobCommand({ AccountId: accountId, JobId: jobId }));
      const progress = Job?.ProgressSummary;
      return {
        id: Job?.JobId ?? jobId,
        status: Job?.Status ?? 'unknown',
        ...(Job?.Description ? { description: Job.Description } : {}),
        ...(progress?.TotalNumberOfTasks !== undefined ? { total: progress.TotalNumberOfTasks } : {}),
        succeeded: progress?.NumberOfTasksSucceeded ?? 0,
        failed: progress?.NumberOfTasksFailed ?? 0,
        failureReasons: (Job?.FailureReasons ?? []).map((f) =>
          `${f.FailureCode ?? 'unknown'}: ${f.FailureReason ?? ''}`.trim(),
        ),
        ...(Job?.Report?.Bucket
          ? {
              report: {
                bucketArn: Job.Report.Bucket,
                ...(Job.Report.Prefix ? { prefix: Job.Report.Prefix } : {}),
              },
            }
          : {}),
      };
    },

    async listUnfinishedJobs(accountId) {
      const jobs: BatchJob[] = [];
      const pages = paginateListJobs(
        { client },
        { AccountId: accountId, JobStatuses: UNFINISHED_JOB_STATUSES },
      );
      for await (const page of pages) {
        for (const j of page.Jobs ?? []) {
          jobs.push({
            id: j.JobId ?? '',
            status: j.Status ?? 'unknown',
            ...(j.Description ? { description: j.Description } : {}),
          });
        }
      }
      return jobs;
    },
  };
}
