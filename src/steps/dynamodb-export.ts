import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { TableExport } from '../aws/dynamodb.js';
import { formatError, UserError } from '../errors.js';
import { DynamoTableName } from '../names.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import restore from './dynamodb-export.restore.js';
import { pollUntil } from './lib/poll.js';
import { incidentPrefix, s3Uri } from './lib/preservation/layout.js';
import { exportDir, holdExportFiles, type HeldFile } from './lib/table-export-files.js';

export interface TableObserved {
  table: string;
  arn: string;
  /** ENABLED or DISABLED before this step: a restore says whether drp turned it on. */
  pointInTimeRecovery: string;
  /** The export's S3 prefix in the evidence bucket (DynamoDB adds /AWSDynamoDB/<export-id>/). */
  prefix: string;
}

export interface Observed {
  evidenceBucket: string;
  tables: TableObserved[];
}

export interface Exported {
  table: string;
  exportArn: string;
  status: string;
  location?: string;
  itemCount?: number;
  files?: HeldFile[];
  artefact?: string;
}

export interface BackedUp {
  table: string;
  backupArn: string;
  /** Why the export could not be used. */
  reason: string;
}

const Params = z
  .object({
    tables: z
      .array(DynamoTableName)
      .default([])
      .describe("DynamoDB table names in the run's region to preserve"),
    waitMinutes: z
      .number()
      .int()
      .min(0)
      .max(720)
      .default(60)
      .describe('How long to wait for the exports; one still running is a note (it finishes in AWS)'),
    pollSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(15)
      .describe('Seconds between two reads of an export'),
  })
  .strict();

/** The same token for the same table of the same incident: a re-run within 8 hours gets the same export. */
const clientToken = (incidentId: string, table: string) =>
  `drp-${createHash('sha256').update(`${incidentId}/${table}`).digest('hex').slice(0, 40)}`;

const backupName = (incidentId: string, table: string) =>
  `drp-${incidentId}-${table}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 255);

async function backup(ctx: StepContext, t: TableObserved, reason: string) {
  const call = await ctx.aws.dynamodb.createBackup(t.table, backupName(ctx.incidentId, t.table));
  return { backedUp: { table: t.table, backupArn: call.backupArn, reason }, requestId: call.requestId };
}

export default defineStep({
  type: 'dynamodb-export',
  summary:
    "Preserve each table as it is now: point-in-time recovery on where it is off, a full export into the evidence bucket's incident prefix, its files held and its manifests hashed; an on-demand backup where the export fails",
  params: Params,
  permissions: [
    'dynamodb:DescribeTable',
    'dynamodb:DescribeContinuousBackups',
    'dynamodb:UpdateContinuousBackups',
    'dynamodb:ExportTableToPointInTime',
    'dynamodb:DescribeExport',
    'dynamodb:CreateBackup',
    // DynamoDB writes the export with the caller's S3 permissions (developer guide, "Requesting a
    // table export"); drp then lists, reads and holds its files.
    's3:PutObject',
    's3:PutObjectAcl',
    's3:AbortMultipartUpload',
    's3:ListBucket',
    's3:GetObject',
    's3:PutObjectLegalHold',
  ],
  example: { tables: ['customer-profiles'], waitMinutes: 60 },

  async plan(ctx, { tables }) {
    const bucket = ctx.settings.evidenceBucket;
    const observed: Observed = { evidenceBucket: bucket, tables: [] };
    const changes: Change[] = [];
    if (tables.length === 0)
      return { observed, changes, notes: ['no tables given (param tables is empty): nothing to export'] };
    for (const name of new Set(tables)) {
      const table = await ctx.aws.dynamodb.describeTable(name);
      if (!table)
        throw new UserError(`DynamoDB table "${name}" not found in ${ctx.region} (--table / param tables)`);
      const pointInTimeRecovery = await ctx.aws.dynamodb.getPointInTimeRecovery(table.name);
      const prefix = `${incidentPrefix(ctx.incidentId)}dynamodb/${table.name}`;
      observed.tables.push({ table: table.name, arn: table.arn, pointInTimeRecovery, prefix });
      if (pointInTimeRecovery !== 'ENABLED')
        changes.push({
          action: 'enable-point-in-time-recovery',
          target: table.arn,
          detail:
            'an export needs it; drp restore leaves it on (turning it off discards the recovery points)',
        });
      changes.push({
        action: 'export-table',
        target: table.arn,
        detail: `full export as of the time of apply to ${s3Uri(bucket, `${prefix}/`)}, files held, manifests hashed; an on-demand backup if the export fails`,
      });
    }
    return { observed, changes };
  },

  async apply(ctx, p, plan) {
    const { evidenceBucket: bucket } = plan.observed;
    const ddb = ctx.aws.dynamodb;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const notes: string[] = [];
    const exported: Exported[] = [];
    const backups: BackedUp[] = [];
    const failures: unknown[] = [];
    const data = () => ({ exports: exported, backups });
    const track = (id?: string) => id && requestIds.push(id);

    const fallBack = async (t: TableObserved, reason: string) => {
      try {
        const { backedUp, requestId } = await backup(ctx, t, reason);
        track(requestId);
        backups.push(backedUp);
        changes.push({ action: 'create-backup', target: t.arn, detail: `${backedUp.backupArn} (${reason})` });
      } catch (err) {
        failures.push(err);
        notes.push(
          `table ${t.table}: not preserved: the export failed (${reason}) and so did the backup (${formatError(err)})`,
        );
      }
    };

    // Start every export first: DynamoDB runs them side by side.
    const running: { t: TableObserved; started: TableExport }[] = [];
    for (const t of plan.observed.tables) {
      try {
        if (t.pointInTimeRecovery !== 'ENABLED') {
          track((await ddb.enablePointInTimeRecovery(t.table)).requestId);
          changes.push({ action: 'enable-point-in-time-recovery', target: t.arn, detail: 'for the export' });
        }
        const started = await ddb.exportTable({
          tableArn: t.arn,
          bucket,
          bucketOwner: ctx.caller.accountId,
          prefix: t.prefix,
          clientToken: clientToken(ctx.incidentId, t.table),
        });
        track(started.requestId);
        running.push({ t, started });
      } catch (err) {
        await fallBack(t, formatError(err));
      }
    }

    const bar = ctx.progress.start('DynamoDB exports', running.length);
    for (const { t, started } of running) {
      const { value: e, timedOut } = await pollUntil(
        () => (started.status === 'IN_PROGRESS' ? ddb.describeExport(started.arn) : Promise.resolve(started)),
        (x) => x.status !== 'IN_PROGRESS',
        { timeoutMs: p.waitMinutes * 60_000, intervalMs: p.pollSeconds * 1000 },
      );
      bar.tick();
      if (timedOut) {
        exported.push({ table: t.table, exportArn: e.arn, status: e.status });
        changes.push({ action: 'start-export', target: t.arn, detail: `${e.arn}, still running` });
        notes.push(
          `table ${t.table}: export ${e.arn} still running after ${p.waitMinutes} min; it finishes in AWS (aws dynamodb describe-export --export-arn ${e.arn}); run the step again to hold its files`,
        );
        continue;
      }
      if (e.status === 'FAILED') {
        await fallBack(t, `export ${e.arn} failed: ${e.failureCode ?? ''} ${e.failureMessage ?? ''}`.trim());
        continue;
      }
      try {
        const dir = exportDir(t.prefix, e.arn);
        const held = await holdExportFiles(ctx.aws.s3, bucket, dir);
        requestIds.push(...held.requestIds);
        const record = { export: e, location: s3Uri(bucket, dir), files: held.files };
        const ref = await ctx.artefacts.write(
          `dynamodb-export-${t.table}.json`,
          `${JSON.stringify(record, null, 2)}\n`,
        );
        exported.push({
          table: t.table,
          exportArn: e.arn,
          status: e.status,
          location: record.location,
          ...(e.itemCount !== undefined ? { itemCount: e.itemCount } : {}),
          files: held.files,
          artefact: ref.path,
        });
        if (!held.files.some((f) => f.sha256))
          notes.push(
            `table ${t.table}: the export wrote no manifest under ${record.location}: nothing to hash`,
          );
        changes.push({
          action: 'export-table',
          target: t.arn,
          detail: `${e.itemCount ?? '?'} items to ${record.location}; ${held.files.length} file(s) held`,
          count: held.files.length,
        });
      } catch (err) {
        failures.push(err);
        notes.push(
          `table ${t.table}: export ${e.arn} completed, but its files could not be held: ${formatError(err)}`,
        );
      }
    }
    bar.done();
    if (failures.length)
      throw new StepFailure({ changes, requestIds, data: data(), notes }, { cause: failures[0] });
    return { changes, requestIds, data: data(), ...(notes.length ? { notes } : {}) };
  },

  restore,
});
