import { isDeepStrictEqual } from 'node:util';
import type { StepContext } from '../runbook/context.js';
import { partitionOf } from './names.js';
import { isPublicStatement } from './lib/public-policy.js';

/** Bucket policy documents: drp's deny statement, and how to add it and compare policies. */

/** S3's limit on a bucket policy: 20 KB. */
export const MAX_POLICY_BYTES = 20 * 1024;

export class PolicyTooLarge extends Error {
  override readonly name = 'PolicyTooLarge';
}

export type Statement = Record<string, unknown>;
export interface PolicyDocument {
  Version?: string;
  Statement?: Statement | Statement[];
  [field: string]: unknown;
}

/** IAM Sids are [A-Za-z0-9] only. */
export const sidFor = (incidentId: string) => `DrpContain${incidentId.replace(/[^A-Za-z0-9]/g, '')}`;
const DRP_SID = /^DrpContain/;

export function denyStatement(ctx: StepContext, bucket: string): Statement {
  const arn = `arn:${partitionOf(ctx.caller.arn)}:s3:::${bucket}`;
  return {
    Sid: sidFor(ctx.incidentId),
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    // ArnNotLike, not ArnNotEquals: IAM matches both the same way (per ARN component, wildcards
    // allowed), but ArnNotLike says so, and it is what AWS's data-perimeter policies use with
    // aws:PrincipalArn, so a reviewer reads a pattern as a pattern. Either way a request with no
    // aws:PrincipalArn (an AWS service principal) is denied too: a negated operator matches a
    // missing key, which is what containment wants.
    Condition: { ArnNotLike: { 'aws:PrincipalArn': [...ctx.exemptPrincipals] } },
  };
}

/**
 * S3 may store a policy in another form than it was sent (a one-element list as a string, lists
 * reordered): compare meanings, not texts, so a re-run sees its own statement as unchanged.
 */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalise).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return items.length === 1 ? items[0] : items;
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value;
}
export const sameMeaning = (a: unknown, b: unknown) => isDeepStrictEqual(normalise(a), normalise(b));
const withoutSid = ({ Sid: _, ...rest }: Statement) => rest;

export function parse(bucket: string, policy: string | null): PolicyDocument {
  if (policy === null) return { Version: '2012-10-17', Statement: [] };
  try {
    return JSON.parse(policy) as PolicyDocument;
  } catch {
    throw new Error(`the bucket policy of s3://${bucket} is not valid JSON: drp will not rewrite it`);
  }
}

/**
 * The policy with drp's statement in it and its public grants removed (S3's definition of public,
 * lib/public-policy.ts: Block Public Access already makes them ineffective, and with BlockPublicPolicy
 * on S3 refuses any policy that still contains one, drp's deny included); every other statement is
 * kept as it was (order and content). Its own statement (same Sid) is replaced in place; an
 * equivalent drp statement from an earlier incident (same meaning, other Sid) means there is
 * nothing to add. The original text stays in the plan's `observed`, so a restore puts it all back.
 */
export function withDeny(bucket: string, policy: string | null, statement: Statement) {
  const doc = parse(bucket, policy);
  const all = doc.Statement === undefined ? [] : [doc.Statement].flat();
  const removed = all.filter(isPublicStatement);
  const statements = all.filter((s) => !isPublicStatement(s));
  const own = statements.findIndex((s) => s.Sid === statement.Sid);
  const equivalent = statements.find(
    (s) =>
      typeof s.Sid === 'string' && DRP_SID.test(s.Sid) && sameMeaning(withoutSid(s), withoutSid(statement)),
  );
  if (removed.length === 0) {
    if (own >= 0 && sameMeaning(statements[own], statement)) return { unchanged: true as const };
    if (own < 0 && equivalent) return { unchanged: true as const, equivalentSid: String(equivalent.Sid) };
  }
  if (own >= 0) statements[own] = statement;
  else if (!equivalent) statements.push(statement);
  const text = JSON.stringify({ ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES)
    throw new PolicyTooLarge(
      `the bucket policy of s3://${bucket} would be ${bytes} bytes with drp's deny statement, over S3's 20 KB limit (${MAX_POLICY_BYTES} bytes): nothing was sent. Remove statements the bucket no longer needs, then run again (the org-scp-deny step does not depend on this limit)`,
    );
  return {
    unchanged: false as const,
    replaced: own >= 0,
    text,
    bytes,
    kept: statements.length - (equivalent && own < 0 ? 0 : 1),
    removedSids: removed.map((s) => String(s.Sid ?? '(no Sid)')),
  };
}
