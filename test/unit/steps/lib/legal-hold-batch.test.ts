import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  DescribeJobCommand,
  ListJobsCommand,
  S3ControlClient,
  type JobStatus,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtefactStore } from '../../../../src/journal/artefacts.js';
import { csvRow } from '../../../../src/steps/lib/legal-hold-batch.js';
import { JOB_POLLING } from '../../../../src/steps/lib/legal-hold-job.js';
import { StepFailure } from '../../../../src/steps/define.js';
import step from '../../../../src/steps/s3-legal-holds.js';
import { scratch } from '../../../support/drp.js';
import { deleteMarker, mockListing, version } from '../../../support/s3-versions.js';
import { testContext, testPorts } from '../../../support/step-context.js';

// moto has no S3 Control CreateJob/DescribeJob: the batch path is covered here, on mocks shaped as AWS answers.
const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ROLE = 'arn:aws:iam::123456789012:role/drp-batch-legal-hold';
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const MANIFEST_KEY = 'incidents/INC-TEST-1/batch/legal-hold-manifest-media.csv';
const REPORT = `s3://${EVIDENCE}/incidents/INC-TEST-1/batch/job-job-42/`;
const withRole = step.params.parse({ bucket: 'media', batchThreshold: 3, batchRoleArn: ROLE });

// 5 versions over the threshold of 3, with keys a CSV line could break on.
const PAGES = [
  { versions: [version('plain.mp4', 'v1'), version('with space+plus.mp4', 'v2')] },
  {
    versions: [version('comma,"quote".mp4', 'v3'), version('dir/ünï\ncode.mp4', 'v4')],
    deleteMarkers: [deleteMarker('plain.mp4', 'dm1')],
  },
  { versions: [version('later.mp4', 'v5')] },
];

/** DescribeJob as S3 Control answers it (JobDescriptor with a ProgressSummary). */
const job = (Status: JobStatus, succeeded: number, failed: number, extra: object = {}) => ({
  Job: {
    JobId: 'job-42',
    Status,
    ProgressSummary: {
      TotalNumberOfTasks: 5,
      NumberOfTasksSucceeded: succeeded,
      NumberOfTasksFailed: failed,
    },
    Report: { Enabled: true, Bucket: `arn:aws:s3:::${EVIDENCE}`, Prefix: 'incidents/INC-TEST-1/batch' },
    ...extra,
  },
});

const plan = (params = withRole) => step.plan(testContext({ aws: testPorts(true) }).ctx, params);
const onDisk = () => testContext({ artefacts: new ArtefactStore(scratch(), async () => undefined) }).ctx;

describe('s3-legal-holds above batchThreshold (S3 Batch Operations)', () => {
  const polling = JOB_POLLING.ms;
  beforeEach(() => {
    JOB_POLLING.ms = 1;
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).rejects(
      new S3ServiceException({
        name: 'ObjectLockConfigurationNotFoundError',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
    mockListing(s3, PAGES);
    s3control.on(ListJobsCommand).resolves({ Jobs: [] });
    s3.on(PutObjectCommand).resolves({ ETag: '"manifest-etag"', VersionId: 'mv1', $metadata: {} });
    s3control.on(CreateJobCommand).resolves({ JobId: 'job-42', $metadata: { requestId: 'R-JOB' } });
    s3control
      .on(DescribeJobCommand)
      .resolvesOnce(job('Preparing', 0, 0))
      .resolvesOnce(job('Active', 3, 0))
      .resolves(job('Complete', 5, 0));
  });
  afterEach(() => void (JOB_POLLING.ms = polling));

  it('plans from one page, with no job call: the path is chosen once the count is done, while applying', async () => {
    const p = await plan();
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 1);
    expect(p.changes[0]?.detail).toContain(`above 3 versions one S3 Batch Operations job run by ${ROLE}`);
    expect(s3control).toHaveReceivedCommandTimes(ListJobsCommand, 0);
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('a one-page bucket over a small threshold without batchRoleArn is refused in the plan, naming the param', async () => {
    mockListing(s3, [{ versions: PAGES.flatMap((p) => p.versions) }]);
    await expect(
      plan(step.params.parse({ bucket: 'media', batchThreshold: 3, batchRoleArn: '' })),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(
        /more than 3 object versions.*needs batchRoleArn.*drp contain --batch-role-arn ARN/,
      ),
    });
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
  });

  it('writes the URL-encoded CSV manifest, uploads it, creates the job and waits for it to complete', async () => {
    const p = await plan();
    const dir = scratch();
    const recorded: unknown[] = [];
    const bars: { label: string; total?: number; ticks: number; done: boolean }[] = [];
    const { ctx } = testContext({
      artefacts: new ArtefactStore(dir, async (ref) => void recorded.push(ref)),
      progress: {
        start(label: string, total?: number) {
          const bar = { label, total, ticks: 0, done: false };
          bars.push(bar);
          return { tick: (n = 1) => void (bar.ticks += n), done: () => void (bar.done = true) };
        },
      },
    });
    const applied = await step.apply(ctx, withRole, p);

    const csv = readFileSync(join(dir, 'artefacts', 'legal-hold-manifest-media.csv'), 'utf8');
    expect(csv).toBe(
      [
        'media,plain.mp4,v1',
        'media,with%20space%2Bplus.mp4,v2',
        'media,comma%2C%22quote%22.mp4,v3',
        'media,dir%2F%C3%BCn%C3%AF%0Acode.mp4,v4',
        'media,later.mp4,v5',
        '',
      ].join('\n'),
    );
    expect(recorded).toContainEqual(
      expect.objectContaining({ name: 'legal-hold-manifest-media.csv', source: { uri: 's3://media' } }),
    );
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: EVIDENCE,
      Key: MANIFEST_KEY,
      ContentType: 'text/csv',
      ContentLength: Buffer.byteLength(csv),
    });
    expect(s3control).toHaveReceivedCommandWith(CreateJobCommand, {
      AccountId: '123456789012',
      ConfirmationRequired: false,
      RoleArn: ROLE,
      Priority: 10,
      Description: 'drp legal hold s3://media (INC-TEST-1)',
      ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      Operation: { S3PutObjectLegalHold: { LegalHold: { Status: 'ON' } } },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
        Location: {
          ObjectArn: `arn:aws:s3:::${EVIDENCE}/${MANIFEST_KEY}`,
          ETag: 'manifest-etag',
          ObjectVersionId: 'mv1',
        },
      },
      Report: {
        Enabled: true,
        Bucket: `arn:aws:s3:::${EVIDENCE}`,
        Prefix: 'incidents/INC-TEST-1/batch',
        Format: 'Report_CSV_20180820',
        ReportScope: 'AllTasks',
      },
    });
    expect(s3control).toHaveReceivedCommandTimes(DescribeJobCommand, 3);
    expect(s3control).toHaveReceivedCommandWith(DescribeJobCommand, {
      AccountId: '123456789012',
      JobId: 'job-42',
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(applied.changes.map((c) => c.action)).toEqual(['write-batch-manifest', 'create-batch-job']);
    expect(applied.changes[1]).toMatchObject({
      detail: expect.stringContaining(
        `job job-42 puts a legal hold on 5 versions, run by ${ROLE}; report under ${REPORT}`,
      ),
      count: 5,
    });
    expect(applied.data).toMatchObject({
      jobId: 'job-42',
      jobStatus: 'Complete',
      versions: 5,
      deleteMarkers: 1,
      tasks: { total: 5, succeeded: 5, failed: 0 },
      report: REPORT,
    });
    expect(applied.requestIds).toEqual(['R-JOB']);
    expect(bars).toEqual([{ label: 'S3 Batch Operations job job-42', total: 5, ticks: 5, done: true }]);
  });

  it('fails, naming the completion report, when any task failed', async () => {
    s3control.on(DescribeJobCommand).resolves(job('Complete', 3, 2));
    const p = await plan();
    const err = (await step.apply(onDisk(), withRole, p).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.message).toMatch(/job job-42 ended Complete: 2 of 5 task\(s\) failed/);
    expect(err.message).toContain(`The completion report is in ${REPORT}`);
    expect(err.message).toContain('--service-roles');
    // The hint gives the role's trust and its whole policy, with this run's bucket names.
    expect(err.message).toContain('batchoperations.s3.amazonaws.com');
    expect(err.message).toContain('"Action":["s3:PutObjectLegalHold"],"Resource":["arn:aws:s3:::media/*"]');
    expect(err.message).toContain(`"Resource":["arn:aws:s3:::${EVIDENCE}/incidents/*"]`);
    expect(err.partial.changes.map((c) => c.action)).toEqual(['write-batch-manifest', 'create-batch-job']);
    expect(err.partial.data).toMatchObject({ jobId: 'job-42', jobStatus: 'Complete', tasks: { failed: 2 } });
  });

  it('fails with the job failure reasons when the job itself failed', async () => {
    s3control.on(DescribeJobCommand).resolves(
      job('Failed', 0, 0, {
        FailureReasons: [
          { FailureCode: 'AccessDenied', FailureReason: 'Reading the manifest is forbidden: AccessDenied' },
        ],
      }),
    );
    const err = (await step.apply(onDisk(), withRole, await plan()).catch((e: unknown) => e)) as StepFailure;
    expect(err.message).toMatch(
      /ended Failed: 0 of 5 task\(s\) failed \(AccessDenied: Reading the manifest is forbidden/,
    );
  });

  it('waits for an unfinished drp job on the bucket instead of creating a second one', async () => {
    s3control.on(ListJobsCommand).resolves({
      Jobs: [
        { JobId: 'other', Status: 'Active', Description: 'drp legal hold s3://media-2 (INC-1)' },
        { JobId: 'job-42', Status: 'Active', Description: 'drp legal hold s3://media (INC-TEST-1)' },
      ],
    });
    const applied = await step.apply(onDisk(), withRole, await plan());
    expect(s3control).toHaveReceivedCommandWith(ListJobsCommand, {
      AccountId: '123456789012',
      JobStatuses: ['New', 'Preparing', 'Suspended', 'Ready', 'Active', 'Pausing', 'Paused'],
    });
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    expect(applied.changes).toEqual([expect.objectContaining({ action: 'await-batch-job' })]);
    expect(applied.data).toMatchObject({ jobId: 'job-42', jobStatus: 'Complete' });
  });

  it('without batchRoleArn fails the step after counting, with the role policy and trust to create, and holds nothing', async () => {
    const params = step.params.parse({ bucket: 'media', batchThreshold: 3, batchRoleArn: '' });
    const err = (await step
      .apply(onDisk(), params, await plan(params))
      .catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.partial.changes).toEqual([]);
    expect(err.message).toMatch(/needs batchRoleArn/);
    expect(err.message).toContain('batchoperations.s3.amazonaws.com');
    for (const action of [
      's3:PutObjectLegalHold',
      's3:GetObjectVersion',
      's3:GetBucketObjectLockConfiguration',
      's3:PutObject',
    ])
      expect(err.message).toContain(action);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
  });

  it('fails with StepFailure keeping the uploaded manifest when CreateJob is refused', async () => {
    s3control.on(CreateJobCommand).rejects(new Error('iam:PassRole denied'));
    const err = (await step.apply(onDisk(), withRole, await plan()).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.message).toBe('iam:PassRole denied');
    expect(err.partial.changes.map((c) => c.action)).toEqual(['write-batch-manifest']);
  });

  it('encodes a key so that neither URL decoder S3 may use turns it into another key', () => {
    const row = csvRow('b', 'a b+c/%d', 'v');
    expect(row).toBe('b,a%20b%2Bc%2F%25d,v');
    const key = row.split(',')[1]!;
    expect(decodeURIComponent(key)).toBe('a b+c/%d');
    expect(decodeURIComponent(key.replace(/\+/g, ' '))).toBe('a b+c/%d');
  });
});
