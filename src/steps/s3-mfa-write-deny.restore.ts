import { sameMeaning, type Statement } from './lib/bucket-policy.js';
import { withoutStatement } from './lib/policy-statement.js';
import { defineRestore, type Change } from './define.js';
import { mfaSidFor, type Observed } from './s3-mfa-write-deny.js';

/**
 * Takes drp's MFA deny out of the bucket policy and nothing else: statements added since (a later
 * containment's deny, say) stay, which is why this does not put the before-policy back. When the
 * deny was the policy's only statement, the policy is deleted, as there was none before.
 */
export default defineRestore<{ bucket: string }, Observed>({
  permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],

  async plan(ctx, { plan: { observed }, result }) {
    const { bucket } = observed;
    const sid = mfaSidFor(ctx.incidentId);
    const current = (await ctx.aws.s3.getBucketPolicy(bucket)) ?? null;
    const base = { observed: { bucket, policy: current }, before: { policy: observed.policy }, kept: [] };
    const next = current === null ? undefined : withoutStatement(bucket, current, sid);
    if (!next?.found) return { ...base, changes: [], drift: [] };
    const written = (result?.data as { statement?: Statement } | undefined)?.statement;
    const drift =
      written && !sameMeaning(next.found, written)
        ? [
            `the statement with drp's Sid ${sid} was changed since drp wrote it: removing it removes those changes too`,
          ]
        : [];
    const target = `s3://${bucket}`;
    const change: Change =
      next.text === null
        ? {
            action: 'delete-bucket-policy',
            target,
            detail: `drp's MFA deny (Sid ${sid}) is the policy's only statement`,
          }
        : {
            action: 'remove-mfa-deny-statement',
            target,
            detail: `Sid ${sid}; every other statement kept as it is now`,
          };
    return { ...base, changes: [change], drift };
  },

  async apply(ctx, { plan: { observed } }, plan) {
    const { bucket } = observed;
    // From the live policy at apply time: a statement added between plan and apply is kept too.
    const current = (await ctx.aws.s3.getBucketPolicy(bucket)) ?? null;
    const next = current === null ? undefined : withoutStatement(bucket, current, mfaSidFor(ctx.incidentId));
    if (!next?.found) return { changes: [], requestIds: [] };
    const call =
      next.text === null
        ? await ctx.aws.s3.deleteBucketPolicy(bucket)
        : await ctx.aws.s3.putBucketPolicy(bucket, next.text);
    return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
  },
});
