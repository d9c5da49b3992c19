import { defineRestore, StepFailure, type Change } from './define.js';
import type { Observed, TableObserved } from './dynamodb-contain.js';
import { sidFor } from './lib/bucket-policy.js';
import { hasStatement, isBeforePlusDeny } from './lib/table-policy.js';

/** One table to put back: its policy before the run, and the live revision the write expects. */
interface LiveTable {
  table: string;
  arn: string;
  before: string | null;
  /** The live policy's revision: DynamoDB refuses the restore if it changes after this plan. */
  revisionId: string;
}

const changeOf = (t: { arn: string; before: string | null }): Change =>
  t.before === null
    ? {
        action: 'delete-resource-policy',
        target: t.arn,
        detail: 'the table had no resource-based policy before drp',
      }
    : {
        action: 'put-resource-policy',
        target: t.arn,
        detail: `the original policy text (${Buffer.byteLength(t.before, 'utf8')} bytes)`,
      };

/**
 * Puts back each table's resource-based policy as the run found it: the original text, or no
 * policy when there was none (the only DeleteResourcePolicy drp sends). A table whose live policy
 * no longer holds drp's deny is left alone.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['dynamodb:GetResourcePolicy', 'dynamodb:PutResourcePolicy', 'dynamodb:DeleteResourcePolicy'],

  async plan(ctx, { plan: { observed } }) {
    const sid = sidFor(ctx.incidentId);
    const live: LiveTable[] = [];
    const changes: Change[] = [];
    const drift: string[] = [];
    const notes: string[] = [];
    for (const t of observed.tables) {
      const current = await ctx.aws.dynamodb.getTablePolicy(t.arn);
      if (!current || !hasStatement(t.table, current.policy, sid)) {
        notes.push(`table ${t.table}: drp's deny (Sid ${sid}) is no longer in its policy: nothing to undo`);
        continue;
      }
      if (!isBeforePlusDeny(t.table, current.policy, t.policy, sid))
        drift.push(
          `table ${t.table}: its policy changed since drp's deny; restoring puts back the policy as it was before drp, without those changes`,
        );
      const entry = { table: t.table, arn: t.arn, before: t.policy, revisionId: current.revisionId };
      live.push(entry);
      changes.push(changeOf(entry));
    }
    return {
      observed: { tables: live },
      before: { tables: observed.tables.map((t: TableObserved) => ({ table: t.table, policy: t.policy })) },
      changes,
      drift,
      kept: [],
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { tables } = plan.observed as { tables: LiveTable[] };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    try {
      for (const t of tables) {
        const call =
          t.before === null
            ? await ctx.aws.dynamodb.deleteTablePolicy(t.arn, t.revisionId)
            : await ctx.aws.dynamodb.putTablePolicy(t.arn, t.before, t.revisionId);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(changeOf(t));
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds }, { cause: err });
    }
    return { changes, requestIds };
  },
});
