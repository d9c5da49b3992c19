import {
  CreateBackupCommand,
  DeleteResourcePolicyCommand,
  DescribeContinuousBackupsCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  UpdateContinuousBackupsCommand,
  type ExportDescription,
} from '@aws-sdk/client-dynamodb';
import { callOf, isNotFound, present, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface TableInfo {
  name: string;
  arn: string;
  status: string;
  /** Regions of the global table's other replicas (empty for a table of one region). */
  replicaRegions: string[];
}

/** A table's resource-based policy and the revision DynamoDB gave it (ExpectedRevisionId). */
export interface TablePolicy {
  policy: string;
  revisionId: string;
}

export type ExportStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface TableExport {
  arn: string;
  status: ExportStatus;
  bucket?: string;
  prefix?: string;
  /** The key of manifest-summary.json, once DynamoDB has written it. */
  manifest?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  failureCode?: string;
  failureMessage?: string;
  startTime?: string;
  endTime?: string;
  exportTime?: string;
}

export interface ExportRequest {
  tableArn: string;
  bucket: string;
  /** The account that must own the bucket: DynamoDB refuses to write to anyone else's. */
  bucketOwner: string;
  prefix: string;
  /** Idempotency: the same token within 8 hours returns the same export. */
  clientToken: string;
}

export interface DynamoDbPort {
  /** undefined when there is no such table. */
  describeTable(tableName: string): Promise<TableInfo | undefined>;
  /** undefined when the table has no resource-based policy. */
  getTablePolicy(tableArn: string): Promise<TablePolicy | undefined>;
  /** expectedRevisionId: the policy's revision as read, or NO_POLICY when there was none. */
  putTablePolicy(
    tableArn: string,
    policy: string,
    expectedRevisionId: string,
  ): Promise<Call & { revisionId?: string }>;
  /** Only `drp restore` calls it: a table that had no policy before drp's deny gets none again. */
  deleteTablePolicy(tableArn: string, expectedRevisionId: string): Promise<Call>;
  /** ENABLED or DISABLED. */
  getPointInTimeRecovery(tableName: string): Promise<string>;
  enablePointInTimeRecovery(tableName: string): Promise<Call>;
  exportTable(request: ExportRequest): Promise<TableExport & Call>;
  describeExport(exportArn: string): Promise<TableExport>;
  createBackup(tableName: string, backupName: string): Promise<Call & { backupArn: string }>;
}

export function createDynamoDbClient(settings: AwsSettings, readOnly: boolean): DynamoDBClient {
  return instrument(new DynamoDBClient(clientOptions(settings)), readOnly);
}

const iso = (d: Date | undefined) => d?.toISOString();

function exportOf(d: ExportDescription | undefined): TableExport {
  if (!d?.ExportArn) throw new Error('DynamoDB returned no export description');
  return {
    arn: d.ExportArn,
    status: (d.ExportStatus ?? 'IN_PROGRESS') as ExportStatus,
    ...present({
      bucket: d.S3Bucket,
      prefix: d.S3Prefix,
      manifest: d.ExportManifest,
      itemCount: d.ItemCount,
      billedSizeBytes: d.BilledSizeBytes,
      failureCode: d.FailureCode,
      failureMessage: d.FailureMessage,
      startTime: iso(d.StartTime),
      endTime: iso(d.EndTime),
      exportTime: iso(d.ExportTime),
    }),
  };
}

export function createDynamoDbPort(client: DynamoDBClient): DynamoDbPort {
  return {
    async describeTable(tableName) {
      try {
        const { Table: t } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        if (!t?.TableArn) return undefined;
        return {
          name: t.TableName ?? tableName,
          arn: t.TableArn,
          status: t.TableStatus ?? 'ACTIVE',
          replicaRegions: (t.Replicas ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])),
        };
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async getTablePolicy(tableArn) {
      try {
        const out = await client.send(new GetResourcePolicyCommand({ ResourceArn: tableArn }));
        return out.Policy ? { policy: out.Policy, revisionId: out.RevisionId ?? '' } : undefined;
      } catch (err) {
        if (isNotFound(err, 'PolicyNotFoundException')) return undefined;
        throw err;
      }
    },

    async putTablePolicy(tableArn, policy, expectedRevisionId) {
      const out = await client.send(
        new PutResourcePolicyCommand({
          ResourceArn: tableArn,
          Policy: policy,
          ExpectedRevisionId: expectedRevisionId,
        }),
      );
      return { ...callOf(out), ...(out.RevisionId ? { revisionId: out.RevisionId } : {}) };
    },

    // Removes the policy drp put on a table that had none; ExpectedRevisionId makes DynamoDB refuse
    // if anyone changed it since (PolicyNotFoundException).
    async deleteTablePolicy(tableArn, expectedRevisionId) {
      return callOf(
        await client.send(
          new DeleteResourcePolicyCommand({ ResourceArn: tableArn, ExpectedRevisionId: expectedRevisionId }),
        ),
      );
    },

    async getPointInTimeRecovery(tableName) {
      const out = await client.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
      return (
        out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ??
        'DISABLED'
      );
    },

    async enablePointInTimeRecovery(tableName) {
      return callOf(
        await client.send(
          new UpdateContinuousBackupsCommand({
            TableName: tableName,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ),
      );
    },

    async exportTable(r) {
      const out = await client.send(
        new ExportTableToPointInTimeCommand({
          TableArn: r.tableArn,
          S3Bucket: r.bucket,
          S3BucketOwner: r.bucketOwner,
          S3Prefix: r.prefix,
          ClientToken: r.clientToken,
          ExportFormat: 'DYNAMODB_JSON',
          ExportType: 'FULL_EXPORT',
        }),
      );
      return { ...exportOf(out.ExportDescription), ...callOf(out) };
    },

    async describeExport(exportArn) {
      const out = await client.send(new DescribeExportCommand({ ExportArn: exportArn }));
      return exportOf(out.ExportDescription);
    },

    async createBackup(tableName, backupName) {
      const out = await client.send(
        new CreateBackupCommand({ TableName: tableName, BackupName: backupName }),
      );
      const backupArn = out.BackupDetails?.BackupArn;
      if (!backupArn) throw new Error(`DynamoDB.CreateBackup returned no backup ARN for table ${tableName}`);
      return { ...callOf(out), backupArn };
    },
  };
}
