import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import type { PublicAccessBlock } from '../aws/s3.js';
import { defineStep } from './define.js';
import { BucketName } from '../names.js';
import { requireBucket } from './lib/bucket.js';

const ALL_ON: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

export interface Observed {
  bucket: string;
  /** null: no Block Public Access configuration was set on the bucket. */
  publicAccessBlock: PublicAccessBlock | null;
}

const describe = (c: PublicAccessBlock | null) =>
  c
    ? Object.entries(c)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
    : 'none set';

export default defineStep({
  type: 's3-block-public-access',
  summary: 'Turn on all four Block Public Access settings of the bucket, so nothing in it can be public',
  params: z.object({ bucket: BucketName.describe('The bucket to close to the public') }).strict(),
  permissions: ['s3:ListBucket', 's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  example: { bucket: 'product-media-prod' },

  async plan(ctx, { bucket }) {
    await requireBucket(ctx.aws.s3, bucket);
    const current = (await ctx.aws.s3.getPublicAccessBlock(bucket)) ?? null;
    const observed: Observed = { bucket, publicAccessBlock: current };
    const allOn = current !== null && Object.values(current).every(Boolean);
    return {
      observed,
      changes: allOn
        ? []
        : [
            {
              action: 'put-public-access-block',
              target: `s3://${bucket}`,
              detail: `all four settings on (was: ${describe(current)})`,
            },
          ],
    };
  },

  async apply(ctx, { bucket }, plan) {
    const call = await ctx.aws.s3.putPublicAccessBlock(bucket, ALL_ON);
    return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
  },

  restore: {
    // S3 refuses a public bucket policy while BlockPublicPolicy is on, and a leaked bucket's
    // original policy is often public: Block Public Access goes back first. The bucket is never
    // more open than before the run meanwhile: drp's deny is still in its policy until the next action.
    runsBefore: ['s3-deny-policy'],
    // DeletePublicAccessBlock (a bucket that had none before drp) is authorised by the Put action.
    permissions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],

    async plan(ctx, { plan: { observed } }) {
      const { bucket, publicAccessBlock: before } = observed;
      const current = (await ctx.aws.s3.getPublicAccessBlock(bucket)) ?? null;
      const restorePlan = { observed: { bucket, publicAccessBlock: current }, before, drift: [], kept: [] };
      if (isDeepStrictEqual(current, before)) return { ...restorePlan, changes: [] };
      const drift = isDeepStrictEqual(current, ALL_ON)
        ? []
        : [`Block Public Access is now ${describe(current)}, not all four on as drp left it: changed since`];
      const change = before
        ? { action: 'put-public-access-block', detail: `back to ${describe(before)}` }
        : { action: 'delete-public-access-block', detail: 'none was set before drp' };
      return { ...restorePlan, drift, changes: [{ ...change, target: `s3://${bucket}` }] };
    },

    async apply(ctx, { plan: { observed } }, plan) {
      const { bucket, publicAccessBlock: before } = observed;
      const call = before
        ? await ctx.aws.s3.putPublicAccessBlock(bucket, before)
        : await ctx.aws.s3.deletePublicAccessBlock(bucket);
      return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
    },
  },
});
