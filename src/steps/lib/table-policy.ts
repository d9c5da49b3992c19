import type { StepContext } from '../define.js';
import { sameMeaning, sidFor, type PolicyDocument, type Statement } from './bucket-policy.js';

/** DynamoDB resource-based policies on tables: drp's write deny, and how to add and remove it. */

/** DynamoDB's limit on a resource-based policy: 20 KB, whitespace counted. */
export const MAX_TABLE_POLICY_BYTES = 20 * 1024;

/**
 * Every action that changes a table's items. TransactWriteItems is not among them: IAM authorizes
 * each of its Put, Update and Delete as PutItem, UpdateItem and DeleteItem (DynamoDB developer
 * guide, "Using IAM with DynamoDB transactions"); PartiQL writes have actions of their own.
 */
export const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

/**
 * Actions that would undo the containment or destroy the table's evidence: deleting the table,
 * expiring items by a new TTL, turning point-in-time recovery off, and changing or removing this
 * policy. UpdateTable stays allowed: Application Auto Scaling resizes a table through it, and
 * denying it would throttle the shop's reads.
 */
export const GUARD_ACTIONS = [
  'dynamodb:DeleteTable',
  'dynamodb:UpdateTimeToLive',
  'dynamodb:UpdateContinuousBackups',
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
];

export class TablePolicyTooLarge extends Error {
  override readonly name = 'TablePolicyTooLarge';
}

export function tableDenyStatement(ctx: StepContext, tableArn: string): Statement {
  return {
    Sid: sidFor(ctx.incidentId),
    Effect: 'Deny',
    Principal: '*',
    Action: [...WRITE_ACTIONS, ...GUARD_ACTIONS],
    Resource: tableArn,
    // As the bucket deny: ArnNotLike with every principal drp acts through; a request without
    // aws:PrincipalArn (an AWS service principal) is denied too.
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [...ctx.exemptPrincipals] } },
  };
}

function parse(table: string, policy: string | null): PolicyDocument {
  if (policy === null) return { Version: '2012-10-17', Statement: [] };
  try {
    return JSON.parse(policy) as PolicyDocument;
  } catch {
    throw new Error(
      `the resource policy of DynamoDB table ${table} is not valid JSON: drp will not rewrite it`,
    );
  }
}

const statementsOf = (doc: PolicyDocument) => (doc.Statement === undefined ? [] : [doc.Statement].flat());

/**
 * The policy with drp's statement added (or its own statement replaced in place); every other
 * statement is kept as it was. The text before stays in the plan's `observed`, for the restore.
 */
export function withTableDeny(table: string, policy: string | null, statement: Statement) {
  const doc = parse(table, policy);
  const statements = statementsOf(doc);
  const own = statements.findIndex((s) => s.Sid === statement.Sid);
  if (own >= 0 && sameMeaning(statements[own], statement)) return { unchanged: true as const };
  if (own >= 0) statements[own] = statement;
  else statements.push(statement);
  const text = JSON.stringify({ ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TABLE_POLICY_BYTES)
    throw new TablePolicyTooLarge(
      `the resource policy of DynamoDB table ${table} would be ${bytes} bytes with drp's deny statement, over DynamoDB's 20 KB limit (${MAX_TABLE_POLICY_BYTES} bytes): nothing was sent. Remove statements the table no longer needs, then run again`,
    );
  return { unchanged: false as const, replaced: own >= 0, text, bytes, kept: statements.length - 1 };
}

/** Whether `live` is `before` plus drp's statement `sid` and nothing else (compared by meaning). */
export function isBeforePlusDeny(table: string, live: string, before: string | null, sid: string): boolean {
  const rest = statementsOf(parse(table, live)).filter((s) => s.Sid !== sid);
  return sameMeaning(rest, statementsOf(parse(table, before)));
}

export const hasStatement = (table: string, policy: string, sid: string) =>
  statementsOf(parse(table, policy)).some((s) => s.Sid === sid);
