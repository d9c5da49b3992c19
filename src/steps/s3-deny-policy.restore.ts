import { isPublicStatement } from './lib/public-policy.js';
import { parse, sameMeaning, sidFor, withDeny, type Statement } from './bucket-policy.js';
import { defineRestore, type Change, type RecordedResult } from './define.js';
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

/**
 * Puts back the bucket policy exactly as the run found it: the original text byte for byte, or no
 * policy at all when there was none. That DeleteBucketPolicy is the only one drp ever sends.
 */
export default defineRestore<{ bucket: string }, Observed>({
  permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],

  async plan(ctx, { plan: { observed }, result }) {
    const { bucket, policy: before } = observed;
    const current = (await ctx.aws.s3.getBucketPolicy(bucket)) ?? null;
    const base = { observed: { bucket, policy: current }, before: { policy: before }, kept: [] };
    const same =
      current === before ||
      (current !== null && before !== null && sameMeaning(parse(bucket, current), parse(bucket, before)));
    if (same) return { ...base, changes: [], drift: [] };
    const ours = drpStatement(
      result,
      current === null ? [] : statementsOf(bucket, current),
      sidFor(ctx.incidentId),
    );
    const target = `s3://${bucket}`;
    const change: Change =
      before === null
        ? { action: 'delete-bucket-policy', target, detail: 'there was no bucket policy before drp' }
        : {
            action: 'put-bucket-policy',
            target,
            detail: `the original policy text (${Buffer.byteLength(before, 'utf8')} bytes, ${statementsOf(bucket, before).length} statement(s))`,
          };
    const publicSids = statementsOf(bucket, before).filter(isPublicStatement);
    const notes = publicSids.length
      ? [
          `the original policy has public grants by S3's definition (Sid ${publicSids.map((s) => String(s.Sid ?? '(no Sid)')).join(', ')}): S3 accepts it only once BlockPublicPolicy is off, so Block Public Access is restored before this step; with --only, include the block-public-access step too, or this action fails`,
        ]
      : [];
    return {
      ...base,
      changes: [change],
      drift: driftOf(bucket, before, current, ours),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, { plan: { observed } }, plan) {
    const { bucket, policy: before } = observed;
    const call =
      before === null
        ? await ctx.aws.s3.deleteBucketPolicy(bucket)
        : await ctx.aws.s3.putBucketPolicy(bucket, before);
    return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
  },
});
