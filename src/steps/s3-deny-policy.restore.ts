import { plural } from '../text.js';
import { isPublicStatement } from './lib/public-policy.js';
import { parse, sameMeaning, sidFor, withDeny, type Statement } from './lib/bucket-policy.js';
import { externalGrant } from './lib/external-grants.js';
import { orgBoundary } from './lib/org-boundary.js';
import {
  defineRestore,
  type Change,
  type RecordedResult,
  type RestoreOptions,
  type StepContext,
} from './define.js';
import type { Observed } from './s3-deny-policy.js';

const statementsOf = (bucket: string, policy: string | null): Statement[] =>
  [parse(bucket, policy).Statement ?? []].flat();

/** drp's statement as the run wrote it; for a run cut off before its result, the live one with drp's Sid. */
function drpStatement(result: RecordedResult | undefined, live: Statement[], sid: string) {
  const written = (result?.data as { statement?: Statement } | undefined)?.statement;
  return written ?? live.find((s) => s.Sid === sid);
}

/** How the live policy differs from the one drp wrote (the before-policy plus drp's statement). */
function driftOf(bucket: string, before: string | null, current: string | null, ours?: Statement) {
  const sid = String(ours?.Sid ?? '');
  if (current === null)
    return [`s3://${bucket} has no bucket policy now: drp left one with its deny (Sid ${sid})`];
  const live = statementsOf(bucket, current);
  if (!ours || !live.some((s) => s.Sid === ours.Sid && sameMeaning(s, ours)))
    return [`the bucket policy no longer contains drp's deny statement as drp wrote it (Sid ${sid})`];
  const written = withDeny(bucket, before, ours);
  if (!written.unchanged && !sameMeaning(parse(bucket, written.text), parse(bucket, current)))
    return [
      `the bucket policy differs from what drp wrote: statements were added or changed since; restoring puts back the policy as it was before drp, without them`,
    ];
  return [];
}

/** A statement of the recorded policy that grants access outside the organization, and why. */
interface LeftOut {
  sid: string;
  reason: string;
  statement: Statement;
}

/**
 * The policy to put back: the recorded text byte for byte, or without the statements that grant
 * access outside the organization (an attacker's grant must not come back silently) unless
 * --keep-external-grants; null when nothing is left (no policy, as DeleteBucketPolicy leaves it).
 */
async function policyToPutBack(
  ctx: StepContext,
  bucket: string,
  before: string | null,
  options: RestoreOptions,
) {
  const statements = statementsOf(bucket, before);
  const { boundary, notes } = await orgBoundary(ctx, statements);
  const external: LeftOut[] = statements.flatMap((statement) => {
    const reason = externalGrant(statement, boundary);
    return reason ? [{ sid: String(statement.Sid ?? '(no Sid)'), reason, statement }] : [];
  });
  const named = external.map((e) => `Sid ${e.sid} (${e.reason})`).join('; ');
  if (external.length === 0 || options.keepExternalGrants) {
    if (external.length) notes.push(`put back with --keep-external-grants: ${named}`);
    return { text: before, leftOut: [] as LeftOut[], notes };
  }
  notes.push(
    `left out of the restored policy, as they grant access outside the organization: ${named}. The journal keeps their text; drp restore --keep-external-grants puts them back`,
  );
  const kept = statements.filter((st) => !external.some((e) => e.statement === st));
  const doc = parse(bucket, before);
  const text = kept.length ? JSON.stringify({ ...doc, Statement: kept }) : null;
  return { text, leftOut: external, notes };
}

/**
 * Puts back the bucket policy as the run found it: the original text byte for byte, or no policy
 * at all when there was none; statements granting access outside the organization only with
 * --keep-external-grants. Its DeleteBucketPolicy is the only one drp ever sends.
 */
export default defineRestore<{ bucket: string }, Observed>({
  permissions: [
    's3:GetBucketPolicy',
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    'organizations:DescribeOrganization',
    'organizations:DescribeAccount',
  ],

  async plan(ctx, { plan: { observed }, result }, options) {
    const { bucket, policy: before } = observed;
    const current = (await ctx.aws.s3.getBucketPolicy(bucket)) ?? null;
    const putBack = await policyToPutBack(ctx, bucket, before, options);
    const base = {
      observed: { bucket, policy: current, putBack: putBack.text, leftOut: putBack.leftOut },
      before: { policy: before },
      kept: [],
    };
    const same = (a: string | null, b: string | null) =>
      a === b || (a !== null && b !== null && sameMeaning(parse(bucket, a), parse(bucket, b)));
    if (same(current, putBack.text))
      return { ...base, changes: [], drift: [], ...(putBack.notes.length ? { notes: putBack.notes } : {}) };
    const ours = drpStatement(
      result,
      current === null ? [] : statementsOf(bucket, current),
      sidFor(ctx.incidentId),
    );
    const target = `s3://${bucket}`;
    const change: Change =
      putBack.text === null
        ? {
            action: 'delete-bucket-policy',
            target,
            detail:
              before === null
                ? 'there was no bucket policy before drp'
                : 'none of its statements is put back',
          }
        : {
            action: 'put-bucket-policy',
            target,
            detail:
              putBack.text === before
                ? `the original policy text (${Buffer.byteLength(before, 'utf8')} bytes, ${statementsOf(bucket, before).length} statement(s))`
                : `the original policy without ${plural(putBack.leftOut.length, 'statement')} granting access outside the organization (Sid ${putBack.leftOut.map((l) => l.sid).join(', ')})`,
          };
    const publicSids = statementsOf(bucket, putBack.text).filter(isPublicStatement);
    const notes = [...putBack.notes];
    if (publicSids.length)
      notes.push(
        `the policy put back has public grants by S3's definition (Sid ${publicSids.map((st) => String(st.Sid ?? '(no Sid)')).join(', ')}): S3 accepts it only once BlockPublicPolicy is off, so Block Public Access is restored before this step; with --only, include the block-public-access step too, or this action fails`,
      );
    return {
      ...base,
      changes: [change],
      drift: driftOf(bucket, before, current, ours),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { bucket, putBack, leftOut } = plan.observed as {
      bucket: string;
      putBack: string | null;
      leftOut: LeftOut[];
    };
    const call =
      putBack === null
        ? await ctx.aws.s3.deleteBucketPolicy(bucket)
        : await ctx.aws.s3.putBucketPolicy(bucket, putBack);
    return {
      changes: plan.changes,
      requestIds: call.requestId ? [call.requestId] : [],
      // What was left out, with its text: the journal is where it can be found again.
      ...(leftOut.length ? { data: { leftOut } } : {}),
    };
  },
});
