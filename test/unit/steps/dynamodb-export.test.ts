import { createHash } from 'node:crypto';
import {
  CreateBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportConflictException,
  ExportTableToPointInTimeCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectLegalHoldCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/dynamodb-export.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto exports a table but writes neither AWS's layout nor its manifests, and never fails an
// export: the layout, a failed export and a refused one are reproduced here.
const ddb = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const TABLE = 'customer-profiles';
const ARN = `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}`;
const EXPORT = `${ARN}/export/01764032400000-a1b2c3d4`;
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const PREFIX = `incidents/INC-TEST-1/dynamodb/${TABLE}`;
const DIR = `${PREFIX}/AWSDynamoDB/01764032400000-a1b2c3d4/`;
const SUMMARY = '{"version":"2020-06-30","itemCount":3}';
const FILES = '{"itemCount":3,"md5Checksum":"abc","etag":"e1","dataFileS3Key":"data/x.json.gz"}\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const params = { tables: [TABLE], waitMinutes: 1, pollSeconds: 0 };

function describeExport(...statuses: ('IN_PROGRESS' | 'COMPLETED' | 'FAILED')[]) {
  let chain = ddb.on(DescribeExportCommand);
  for (const status of statuses)
    chain = chain.resolvesOnce({
      ExportDescription: {
        ExportArn: EXPORT,
        ExportStatus: status,
        ItemCount: 3,
        ...(status === 'FAILED' ? { FailureCode: 'S3AccessDenied', FailureMessage: 'Access Denied' } : {}),
      },
    });
}

function exportFiles() {
  const keys = [
    `${DIR}_started`,
    `${DIR}manifest-summary.json`,
    `${DIR}manifest-files.json`,
    `${DIR}data/x.json.gz`,
  ];
  s3.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key, Size: 10 })) });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => ({
    ContentLength: 10,
    VersionId: `v-${input.Key.split('/').pop()}`,
    ETag: '"e"',
  }));
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = input.Key.endsWith('summary.json') ? SUMMARY : FILES;
    return { Body: { transformToByteArray: async () => Buffer.from(text) } as never };
  });
  s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'R-HOLD' } });
}

async function run(p = params) {
  const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
  const { ctx, artefacts } = testContext();
  const outcome = await step.apply(ctx, p, plan).catch((err: unknown) => err);
  return { plan, outcome, artefacts };
}

describe('dynamodb-export', () => {
  beforeEach(() => {
    ddb.reset();
    s3.reset();
    ddb
      .on(DescribeTableCommand)
      .resolves({ Table: { TableName: TABLE, TableArn: ARN, TableStatus: 'ACTIVE' } });
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    ddb.on(UpdateContinuousBackupsCommand).resolves({ $metadata: { requestId: 'R-PITR' } });
    ddb.on(ExportTableToPointInTimeCommand).resolves({
      ExportDescription: { ExportArn: EXPORT, ExportStatus: 'IN_PROGRESS' },
      $metadata: { requestId: 'R-EXP' },
    });
    ddb.on(CreateBackupCommand).resolves({
      BackupDetails: {
        BackupArn: `${ARN}/backup/01764032400000-beef`,
        BackupName: 'b',
        BackupStatus: 'CREATING',
        BackupType: 'USER',
        BackupCreationDateTime: new Date(),
      },
      $metadata: { requestId: 'R-BAK' },
    });
    exportFiles();
  });

  it('plans PITR on and a full export into the incident prefix, sending nothing', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.observed).toEqual({
      evidenceBucket: EVIDENCE,
      tables: [{ table: TABLE, arn: ARN, pointInTimeRecovery: 'DISABLED', prefix: PREFIX }],
    });
    expect(plan.changes.map((c) => c.action)).toEqual(['enable-point-in-time-recovery', 'export-table']);
    expect(ddb).toHaveReceivedCommandTimes(UpdateContinuousBackupsCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(ExportTableToPointInTimeCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(CreateBackupCommand, 0);
  });

  it("turns PITR on, exports into the caller's own evidence bucket, waits, holds every file and hashes the manifests", async () => {
    describeExport('IN_PROGRESS', 'COMPLETED');
    const { outcome, artefacts } = await run();
    expect(ddb).toHaveReceivedCommandWith(UpdateContinuousBackupsCommand, {
      TableName: TABLE,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const input = ddb.commandCalls(ExportTableToPointInTimeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TableArn: ARN,
      S3Bucket: EVIDENCE,
      S3BucketOwner: '123456789012',
      S3Prefix: PREFIX,
      ExportFormat: 'DYNAMODB_JSON',
      ExportType: 'FULL_EXPORT',
    });
    // The same token for the same incident and table: a re-run within 8 hours gets the same export.
    expect(input.ClientToken).toBe(`drp-${sha(`INC-TEST-1/${TABLE}`).slice(0, 40)}`);
    expect(ddb).toHaveReceivedCommandTimes(DescribeExportCommand, 2);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: EVIDENCE, Prefix: DIR });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 4);
    expect(s3).toHaveReceivedCommandWith(PutObjectLegalHoldCommand, {
      Bucket: EVIDENCE,
      Key: `${DIR}manifest-files.json`,
      VersionId: 'v-manifest-files.json',
      LegalHold: { Status: 'ON' },
    });
    expect(ddb).toHaveReceivedCommandTimes(CreateBackupCommand, 0);
    const record = JSON.parse(artefacts.find((a) => a.name === `dynamodb-export-${TABLE}.json`)!.content) as {
      files: { key: string; sha256?: string }[];
    };
    expect(record.files.filter((f) => f.sha256)).toEqual([
      expect.objectContaining({ key: `${DIR}manifest-summary.json`, sha256: sha(SUMMARY) }),
      expect.objectContaining({ key: `${DIR}manifest-files.json`, sha256: sha(FILES) }),
    ]);
    expect(outcome).toMatchObject({
      changes: [
        { action: 'enable-point-in-time-recovery', target: ARN },
        {
          action: 'export-table',
          target: ARN,
          count: 4,
          detail: `3 items to s3://${EVIDENCE}/${DIR}; 4 file(s) held`,
        },
      ],
      data: {
        exports: [{ table: TABLE, exportArn: EXPORT, status: 'COMPLETED', itemCount: 3 }],
        backups: [],
      },
    });
  });

  it('falls back to an on-demand backup when the export fails, and keeps its ARN', async () => {
    describeExport('FAILED');
    const { outcome } = await run();
    expect(ddb).toHaveReceivedCommandWith(CreateBackupCommand, {
      TableName: TABLE,
      BackupName: `drp-INC-TEST-1-${TABLE}`,
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(outcome).toMatchObject({
      data: {
        exports: [],
        backups: [
          {
            table: TABLE,
            backupArn: `${ARN}/backup/01764032400000-beef`,
            reason: `export ${EXPORT} failed: S3AccessDenied Access Denied`,
          },
        ],
      },
    });
  });

  it('falls back to a backup when DynamoDB refuses the export itself (ExportConflictException)', async () => {
    ddb.on(ExportTableToPointInTimeCommand).rejects(
      new ExportConflictException({
        message: 'There was a conflict when writing to the specified S3 bucket.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { outcome } = await run();
    expect(ddb).toHaveReceivedCommandTimes(CreateBackupCommand, 1);
    expect(outcome).toMatchObject({
      data: { backups: [{ reason: expect.stringMatching(/ExportConflictException: There was a conflict/) }] },
    });
  });

  it('fails the step, with what it did, when neither the export nor the backup can be made', async () => {
    describeExport('FAILED');
    ddb.on(CreateBackupCommand).rejects(
      Object.assign(new Error('Backups are being enabled for the table'), {
        name: 'ContinuousBackupsUnavailableException',
      }),
    );
    const { outcome } = await run();
    expect(outcome).toBeInstanceOf(StepFailure);
    const { partial } = outcome as StepFailure;
    expect(partial.changes).toEqual([
      { action: 'enable-point-in-time-recovery', target: ARN, detail: 'for the export' },
    ]);
    expect(partial.notes).toEqual([
      expect.stringMatching(/^table customer-profiles: not preserved: the export failed/),
    ]);
  });

  it('an export still running at the deadline is a note with the command to follow it, not a failure', async () => {
    describeExport('IN_PROGRESS', 'IN_PROGRESS');
    const { outcome } = await run({ ...params, waitMinutes: 0 });
    expect(outcome).toMatchObject({
      changes: [
        expect.anything(),
        { action: 'start-export', target: ARN, detail: `${EXPORT}, still running` },
      ],
      notes: [expect.stringContaining(`aws dynamodb describe-export --export-arn ${EXPORT}`)],
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(CreateBackupCommand, 0);
  });

  it('its restore changes nothing: PITR stays on, with the command to turn it off', async () => {
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
      },
    });
    const recorded = recordedOf(params, {
      evidenceBucket: EVIDENCE,
      tables: [{ table: TABLE, arn: ARN, pointInTimeRecovery: 'DISABLED', prefix: PREFIX }],
    });
    const p = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual([
      expect.stringContaining(
        `aws dynamodb update-continuous-backups --table-name ${TABLE} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=false`,
      ),
    ]);
  });
});
