import * as z from 'zod';
import { denyStatement, MAX_POLICY_BYTES, withDeny } from './lib/bucket-policy.js';
import { defineStep } from './define.js';
import { BucketName } from '../names.js';
import restore from './s3-deny-policy.restore.js';
import { requireBucket } from './lib/bucket.js';

export { denyStatement, MAX_POLICY_BYTES, PolicyTooLarge, sidFor, withDeny } from './lib/bucket-policy.js';

export interface Observed {
  bucket: string;
  /** The policy text exactly as S3 returned it (null: none), so a restore can put it back. */
  policy: string | null;
}

export default defineStep({
  type: 's3-deny-policy',
  summary:
    'Add one Deny statement to the bucket policy: s3:* on the bucket and its objects for every principal but the exempt ones; public grants are removed, every other statement is kept',
  params: z.object({ bucket: BucketName.describe('The bucket whose policy gets the deny') }).strict(),
  permissions: ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
  example: { bucket: 'product-media-prod' },

  async plan(ctx, { bucket }) {
    const { s3 } = ctx.aws;
    await requireBucket(s3, bucket);
    const policy = (await s3.getBucketPolicy(bucket)) ?? null;
    const observed: Observed = { bucket, policy };
    const statement = denyStatement(ctx, bucket);
    const next = withDeny(bucket, policy, statement);
    if (next.unchanged)
      return {
        observed,
        changes: [],
        ...(next.equivalentSid
          ? { notes: [`an equivalent drp deny (Sid ${next.equivalentSid}) is already in the policy`] }
          : {}),
      };
    const removed = next.removedSids.length
      ? `; public grant(s) removed: Sid ${next.removedSids.join(', ')} (Block Public Access already makes them ineffective, and S3 refuses a policy that keeps them)`
      : '';
    return {
      observed,
      changes: [
        {
          action: next.replaced ? 'replace-deny-statement' : 'add-deny-statement',
          target: `s3://${bucket}`,
          detail: `Sid ${String(statement.Sid)} denies s3:* to all but ${ctx.exemptPrincipals.join(', ')}; ${next.kept} other statement(s) kept${removed}; ${next.bytes} of ${MAX_POLICY_BYTES} bytes`,
        },
      ],
    };
  },

  async apply(ctx, { bucket }, plan) {
    const statement = denyStatement(ctx, bucket);
    const next = withDeny(bucket, plan.observed.policy, statement);
    if (next.unchanged) return { changes: [], requestIds: [] };
    const call = await ctx.aws.s3.putBucketPolicy(bucket, next.text);
    return {
      changes: plan.changes,
      requestIds: call.requestId ? [call.requestId] : [],
      data: { sid: statement.Sid, statement, bytes: next.bytes, removedSids: next.removedSids },
    };
  },

  restore,
});
