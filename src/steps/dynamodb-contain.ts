import * as z from 'zod';
import type { TableInfo } from '../aws/dynamodb.js';
import { UserError } from '../errors.js';
import { DynamoTableName } from '../names.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import restore from './dynamodb-contain.restore.js';
import {
  MAX_TABLE_POLICY_BYTES,
  tableDenyStatement,
  withTableDeny,
  WRITE_ACTIONS,
} from './lib/table-policy.js';

export interface TableObserved {
  table: string;
  arn: string;
  /** The table's resource-based policy before this step (JSON text), or null: it had none. */
  policy: string | null;
  /** Its revision as read: the ExpectedRevisionId of drp's write (null: NO_POLICY). */
  revisionId: string | null;
  replicaRegions: string[];
}

export interface Observed {
  tables: TableObserved[];
}

/** What apply did to one table: the revision DynamoDB gave drp's policy. */
export interface TableContained {
  table: string;
  arn: string;
  revisionId?: string;
}

const shortActions = WRITE_ACTIONS.map((a) => a.replace('dynamodb:', '')).join(', ');

async function describeAll(ctx: StepContext, tables: readonly string[]): Promise<TableInfo[]> {
  const found: TableInfo[] = [];
  const missing: string[] = [];
  for (const name of new Set(tables)) {
    const table = await ctx.aws.dynamodb.describeTable(name);
    if (table) found.push(table);
    else missing.push(name);
  }
  if (missing.length)
    throw new UserError(
      `DynamoDB table${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in ${ctx.region} (--table / param tables)`,
    );
  return found;
}

async function plan(ctx: StepContext, tables: readonly string[]) {
  const observed: Observed = { tables: [] };
  const changes: Change[] = [];
  const notes: string[] = [];
  if (tables.length === 0)
    return { observed, changes, notes: ['no tables given (param tables is empty): nothing to contain'] };
  for (const table of await describeAll(ctx, tables)) {
    const current = await ctx.aws.dynamodb.getTablePolicy(table.arn);
    const statement = tableDenyStatement(ctx, table.arn);
    const next = withTableDeny(table.name, current?.policy ?? null, statement);
    observed.tables.push({
      table: table.name,
      arn: table.arn,
      policy: current?.policy ?? null,
      revisionId: current?.revisionId ?? null,
      replicaRegions: table.replicaRegions,
    });
    if (table.replicaRegions.length)
      notes.push(
        `table ${table.name} is a global table: its replicas in ${table.replicaRegions.join(', ')} have policies of their own, and writes there replicate here; run drp in each of those regions too`,
      );
    if (next.unchanged) {
      notes.push(`table ${table.name} already has drp's deny (Sid ${String(statement.Sid)})`);
      continue;
    }
    changes.push({
      action: next.replaced ? 'replace-deny-statement' : 'add-deny-statement',
      target: table.arn,
      detail: `Sid ${String(statement.Sid)} denies ${shortActions}, DeleteTable, TTL, PITR and policy changes to all but ${ctx.exemptPrincipals.join(', ')}; reads stay open; ${next.kept} other statement(s) kept; ${next.bytes} of ${MAX_TABLE_POLICY_BYTES} bytes`,
    });
  }
  return { observed, changes, ...(notes.length ? { notes } : {}) };
}

export default defineStep({
  type: 'dynamodb-contain',
  summary:
    "Add a Deny of every item write (PutItem, UpdateItem, DeleteItem, BatchWriteItem, PartiQL writes) to each table's resource-based policy, for every principal but the exempt ones; reads stay open",
  params: z
    .object({
      tables: z
        .array(DynamoTableName)
        .default([])
        .describe("DynamoDB table names in the run's region whose item writes are denied"),
    })
    .strict(),
  permissions: ['dynamodb:DescribeTable', 'dynamodb:GetResourcePolicy', 'dynamodb:PutResourcePolicy'],
  example: { tables: ['customer-profiles'] },

  plan: (ctx, { tables }) => plan(ctx, tables),

  async apply(ctx, _params, plan) {
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const contained: TableContained[] = [];
    for (const t of plan.observed.tables) {
      const change = plan.changes.find((c) => c.target === t.arn);
      if (!change) continue;
      const next = withTableDeny(t.table, t.policy, tableDenyStatement(ctx, t.arn));
      if (next.unchanged) continue;
      try {
        const call = await ctx.aws.dynamodb.putTablePolicy(t.arn, next.text, t.revisionId ?? 'NO_POLICY');
        if (call.requestId) requestIds.push(call.requestId);
        contained.push({
          table: t.table,
          arn: t.arn,
          ...(call.revisionId ? { revisionId: call.revisionId } : {}),
        });
        changes.push(change);
      } catch (err) {
        const cause =
          err instanceof Error && err.name === 'PolicyNotFoundException'
            ? Object.assign(
                new Error(
                  `the resource policy of table ${t.table} changed since the plan (its revision is no longer ${t.revisionId ?? 'none'}): nothing was sent for it; run again to plan on the current policy`,
                  { cause: err },
                ),
                { name: 'PolicyNotFoundException' },
              )
            : err;
        throw new StepFailure({ changes, requestIds, data: { tables: contained } }, { cause });
      }
    }
    return { changes, requestIds, data: { tables: contained } };
  },

  restore,
});
