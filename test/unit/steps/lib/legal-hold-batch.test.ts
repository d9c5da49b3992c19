import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  DescribeJobCommand,
  ListJobsCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArtefactStore } from '../../../../src/journal/artefacts.js';
import { csvRow } from '../../../../src/steps/lib/legal-hold-batch.js';
import { StepFailure } from '../../../../src/steps/define.js';
import step from '../../../../src/steps/s3-object-lock.js';
import { scratch } from '../../../support/drp.js';
import { deleteMarker, mockListing, version } from '../../../support/s3-versions.js';
import { testContext, testPorts } from '../../../support/step-context.js';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ROLE = 'arn:aws:iam::123456789012:role/drp-batch-legal-hold';
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const MANIFEST_KEY = 'incidents/INC-TEST-1/batch/legal-hold-manifest-media.csv';
const withRole = step.params.parse({ bucket: 'media', batchThreshold: 3, batchRoleArn: ROLE });

// 4 versions over the threshold of 3, with keys a CSV line could break on.
const PAGES = [
  { versions: [version('plain.mp4', 'v1'), version('with space+plus.mp4', 'v2')] },
  {
    versions: [version('comma,"quote".mp4', 'v3'), version('dir/ünï\ncode.mp4', 'v4')],
    deleteMarkers: [deleteMarker('plain.mp4', 'dm1')],
  },
  { versions: [version('later.mp4', 'v5')] },
];

const plan = (params = withRole) => step.plan(testContext({ aws: testPorts(true) }).ctx, params);

describe('s3-object-lock above batchThreshold (S3 Batch Operations)', () => {
  beforeEach(() => {
    s3.reset();
    s3control.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
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
    s3.on(PutObjectLockConfigurationCommand).resolves({ $metadata: { requestId: 'R-LOCK' } });
    s3.on(PutObjectCommand).resolves({ ETag: '"manifest-etag"', VersionId: 'mv1', $metadata: {} });
    s3control.on(CreateJobCommand).resolves({ JobId: 'job-42', $metadata: { requestId: 'R-JOB' } });
    s3control.on(DescribeJobCommand).resolves({ Job: { JobId: 'job-42', Status: 'New' } });
  });

  it('stops counting once over the threshold and plans one job instead of a loop, changing nothing', async () => {
    const p = await plan();
    expect(p.observed).toMatchObject({ holds: 'batch', versions: 4 });
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 2);
    expect(p.changes.map((c) => c.action)).toEqual(['put-object-lock-configuration', 'create-batch-job']);
    expect(p.changes[1]?.detail).toBe(
      `more than 3 versions: manifest to s3://${EVIDENCE}/incidents/INC-TEST-1/batch/, one S3PutObjectLegalHold job run by ${ROLE}`,
    );
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
  });

  it('without batchRoleArn is a user error naming the param, found in the plan before any change', async () => {
    await expect(plan(step.params.parse({ bucket: 'media', batchThreshold: 3 }))).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/more than 3 object versions.*needs batchRoleArn/),
    });
    // The bundled runbook passes '' when --batch-role-arn is not given: the same as absent.
    await expect(
      plan(step.params.parse({ bucket: 'media', batchThreshold: 3, batchRoleArn: '' })),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/needs batchRoleArn.*drp contain --batch-role-arn ARN/),
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
    expect(s3control).toHaveReceivedCommandTimes(CreateJobCommand, 0);
  });

  it('is a user error when the evidence bucket for the manifest does not exist', async () => {
    s3.on(HeadBucketCommand, { Bucket: EVIDENCE }).rejects(
      new S3ServiceException({
        name: 'NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
    await expect(plan()).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining(`evidence bucket "${EVIDENCE}"`),
    });
  });

  it('plans no second job while a drp job on the bucket is unfinished, and says which', async () => {
    s3control.on(ListJobsCommand).resolves({
      Jobs: [
        { JobId: 'other', Status: 'Active', Description: 'drp legal hold s3://media-2 (INC-1)' },
        { JobId: 'job-7', Status: 'Active', Description: 'drp legal hold s3://media (INC-OLD)' },
      ],
    });
    const p = await plan();
    expect(s3control).toHaveReceivedCommandWith(ListJobsCommand, {
      AccountId: '123456789012',
      JobStatuses: ['New', 'Preparing', 'Suspended', 'Ready', 'Active', 'Pausing', 'Paused'],
    });
    expect(p.changes.map((c) => c.action)).toEqual(['put-object-lock-configuration']);
    expect(p.notes).toEqual([
      'S3 Batch Operations job job-7 (Active) is already putting legal holds on s3://media: no second job',
    ]);
  });

  it('writes the URL-encoded CSV manifest, uploads it to the evidence bucket and creates the job', async () => {
    const p = await plan();
    const dir = scratch();
    const recorded: unknown[] = [];
    const { ctx } = testContext({
      artefacts: new ArtefactStore(dir, async (ref) => void recorded.push(ref)),
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
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
    expect(applied.changes.map((c) => c.action)).toEqual([
      'put-object-lock-configuration',
      'write-batch-manifest',
      'create-batch-job',
    ]);
    expect(applied.changes[2]).toMatchObject({
      detail: expect.stringContaining('job job-42 (New) puts a legal hold on 5 versions'),
      count: 5,
    });
    expect(applied.data).toMatchObject({ jobId: 'job-42', jobStatus: 'New', versions: 5, deleteMarkers: 1 });
    expect(applied.requestIds).toEqual(['R-LOCK', 'R-JOB']);
  });

  it('fails with StepFailure keeping the uploaded manifest when CreateJob is refused', async () => {
    const p = await plan();
    s3control.on(CreateJobCommand).rejects(new Error('iam:PassRole denied'));
    const { ctx } = testContext({ artefacts: new ArtefactStore(scratch(), async () => undefined) });
    const err = (await step.apply(ctx, withRole, p).catch((e: unknown) => e)) as StepFailure;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.message).toBe('iam:PassRole denied');
    expect(err.partial.changes.map((c) => c.action)).toEqual([
      'put-object-lock-configuration',
      'write-batch-manifest',
    ]);
  });

  it('encodes a key so that neither URL decoder S3 may use turns it into another key', () => {
    const row = csvRow('b', 'a b+c/%d', 'v');
    expect(row).toBe('b,a%20b%2Bc%2F%25d,v');
    const key = row.split(',')[1]!;
    expect(decodeURIComponent(key)).toBe('a b+c/%d');
    expect(decodeURIComponent(key.replace(/\+/g, ' '))).toBe('a b+c/%d');
  });
});
