import * as z from 'zod';
import type { Call } from '../aws/call.js';
import type { BucketLock } from '../aws/s3-evidence.js';
import type { PublicAccessBlock } from '../aws/s3.js';
import { defineStep, StepFailure, type Change } from './define.js';
import { s3Uri } from './lib/preservation/layout.js';
import { Arn } from '../names.js';

/** Raised from plan when the evidence bucket cannot hold evidence: the step fails at its turn. */
export class EvidenceBucketRefused extends Error {
  override readonly name = 'EvidenceBucketRefused';
}

export interface Observed {
  bucket: string;
  exists: boolean;
  /** null: the bucket is missing, or has no Object Lock. */
  objectLock: BucketLock | null;
}

const ALL_ON: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function isAccessDenied(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 403 || (err instanceof Error && /AccessDenied|Forbidden/.test(err.name));
}

export default defineStep({
  type: 'evidence-bucket',
  summary:
    'Make sure the evidence bucket (--evidence-bucket) can hold evidence: create it with Object Lock, versioning, Block Public Access, default encryption and a default retention, or refuse one without Object Lock',
  params: z
    .object({
      retentionDays: z
        .number()
        .int()
        .min(1)
        .max(36500)
        .default(365)
        .describe(
          "Default retention of an evidence bucket drp creates, in days (an existing bucket's is never changed)",
        ),
      lockMode: z
        .enum(['GOVERNANCE', 'COMPLIANCE'])
        .default('GOVERNANCE')
        .describe(
          'GOVERNANCE: a principal with s3:BypassGovernanceRetention can still delete; COMPLIANCE: nobody can, not even the root user, until the retention ends',
        ),
      kmsKeyId: Arn.optional().describe(
        'Encrypt with SSE-KMS and this key (with an S3 Bucket Key) instead of SSE-S3',
      ),
    })
    .strict(),
  // The evidence bucket belongs to the forensics account: --evidence-role-arn.
  identity: 'evidence',
  // CreateBucket with Object Lock also needs PutBucketObjectLockConfiguration and PutBucketVersioning.
  permissions: [
    's3:ListBucket',
    's3:GetBucketObjectLockConfiguration',
    's3:CreateBucket',
    's3:PutBucketObjectLockConfiguration',
    's3:PutBucketVersioning',
    's3:PutBucketPublicAccessBlock',
    's3:PutEncryptionConfiguration',
    // After the seal, the run anchors its journal in this bucket (src/commands/anchor.ts).
    's3:PutObject',
    's3:PutObjectLegalHold',
  ],
  example: { retentionDays: 365, lockMode: 'GOVERNANCE' },

  async plan(ctx, p) {
    const bucket = ctx.settings.evidenceBucket;
    let exists: boolean;
    try {
      exists = await ctx.aws.s3.bucketExists(bucket);
    } catch (err) {
      if (!isAccessDenied(err)) throw err;
      throw new EvidenceBucketRefused(
        `evidence bucket "${bucket}" exists but this caller cannot use it (another account's bucket, or no permission): pass --evidence-bucket NAME with a bucket name of your own`,
        { cause: err },
      );
    }
    if (!exists) {
      const observed: Observed = { bucket, exists: false, objectLock: null };
      const encryption = p.kmsKeyId ? `SSE-KMS ${p.kmsKeyId}` : 'SSE-S3';
      return {
        observed,
        changes: [
          {
            action: 'create-evidence-bucket',
            target: s3Uri(bucket),
            detail: `in ${ctx.region}: Object Lock with default retention ${p.lockMode} ${p.retentionDays} days, versioning, Block Public Access, ${encryption}`,
          },
        ],
      };
    }
    const lock = (await ctx.aws.s3.getEvidenceBucketLock(bucket)) ?? null;
    if (!lock?.enabled) {
      throw new EvidenceBucketRefused(
        `evidence bucket "${bucket}" exists without Object Lock: evidence stored there could be changed or deleted, so drp preserves nothing in it. ` +
          `Pass --evidence-bucket NAME with a new name (drp creates it with Object Lock), or enable Object Lock on "${bucket}" (versioning on, then aws s3api put-object-lock-configuration) and run again`,
      );
    }
    const observed: Observed = { bucket, exists: true, objectLock: lock };
    return {
      observed,
      changes: [],
      ...(lock.defaultRetention
        ? {}
        : {
            notes: [
              `evidence bucket ${bucket} has Object Lock but no default retention: evidence is kept by the legal hold drp puts on each object`,
            ],
          }),
    };
  },

  async apply(ctx, p, plan) {
    const bucket = plan.observed.bucket;
    const s3 = ctx.aws.s3;
    const done: Change[] = [];
    const calls: Call[] = [];
    const record = (call: Call, action: string, detail: string) => {
      calls.push(call);
      done.push({ action, target: s3Uri(bucket), detail });
    };
    const requestIds = () => calls.flatMap((c) => (c.requestId ? [c.requestId] : []));
    try {
      // Object Lock at creation also turns versioning on, and versioning can then never be suspended.
      record(
        await s3.createEvidenceBucket(bucket, ctx.region),
        'create-bucket',
        `Object Lock and versioning on, in ${ctx.region}`,
      );
      record(
        await s3.putPublicAccessBlock(bucket, ALL_ON),
        'put-public-access-block',
        'all four settings on',
      );
      record(
        await s3.putEvidenceBucketEncryption(bucket, p.kmsKeyId),
        'put-bucket-encryption',
        p.kmsKeyId ? `SSE-KMS ${p.kmsKeyId}` : 'SSE-S3',
      );
      record(
        await s3.putEvidenceBucketRetention(bucket, p.lockMode, p.retentionDays),
        'put-object-lock-configuration',
        `default retention ${p.lockMode} ${p.retentionDays} days`,
      );
    } catch (err) {
      throw new StepFailure({ changes: done, requestIds: requestIds() }, { cause: err });
    }
    // Every call succeeded: the plan's one line says it all; the calls are in the request ids.
    return {
      changes: plan.changes,
      requestIds: requestIds(),
      data: { bucket, retentionDays: p.retentionDays, lockMode: p.lockMode },
    };
  },
});
