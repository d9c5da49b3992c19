import { defineRestore } from './define.js';
import type { BackedUp, Exported, Observed } from './dynamodb-export.js';

/**
 * Nothing to undo: an export and a backup are evidence, and point-in-time recovery stays on where
 * drp turned it on, because turning it off discards the table's recovery points. The restore plan
 * says so for each table, with the command that turns it off for whoever decides to.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['dynamodb:DescribeContinuousBackups'],

  async plan(ctx, { plan: { observed }, result }) {
    const kept: string[] = [];
    const data = result?.data as { exports?: Exported[]; backups?: BackedUp[] } | undefined;
    for (const t of observed.tables.filter((x) => x.pointInTimeRecovery !== 'ENABLED')) {
      const now = await ctx.aws.dynamodb.getPointInTimeRecovery(t.table);
      if (now !== 'ENABLED') continue;
      kept.push(
        `point-in-time recovery of table ${t.table} stays on (drp turned it on for the export; turning it off discards its recovery points): aws dynamodb update-continuous-backups --table-name ${t.table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=false`,
      );
    }
    for (const e of data?.exports ?? [])
      kept.push(`the export of table ${e.table} (${e.location ?? e.exportArn}) is evidence: kept`);
    for (const b of data?.backups ?? [])
      kept.push(`the backup of table ${b.table} (${b.backupArn}) is evidence: kept`);
    return { observed: {}, before: {}, changes: [], drift: [], kept };
  },

  async apply() {
    return { changes: [], requestIds: [] };
  },
});
