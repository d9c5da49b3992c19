import * as z from 'zod';
import type { Call } from '../aws/call.js';
import type { BucketLock } from '../aws/s3-evidence.js';
import type { PublicAccessBlock } from '../aws/s3.js';
import type { LifecycleConfig } from '../aws/s3-lifecycle.js';
import { defineStep, StepFailure, type Change, type StepContext } from './define.js';
import { archiveChange, archiveNotes, archiveRuleOf, hasArchiveRule } from './lib/archive.js';
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
  /** The lifecycle configuration before drp's archive rule (null: none); read only when archiving. */
  lifecycle?: LifecycleConfig | null;
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
      archiveAfterDays: z
        .number()
        .int()
        .min(0)
        .max(36500)
        .default(30)
        .describe(
          "Days after which the incident's evidence moves to the archive class (a lifecycle rule that keeps every retention and legal hold); 0: never",
        ),
      archiveClass: z
        .enum(['GLACIER', 'DEEP_ARCHIVE'])
        .default('GLACIER')
        .describe(
          'GLACIER: S3 Glacier Flexible Retrieval (retrieval in minutes to 12 hours); DEEP_ARCHIVE: S3 Glacier Deep Archive (12 to 48 hours)',
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
    // The archive rule (archiveAfterDays), merged with the bucket's own rules.
    's3:GetLifecycleConfiguration',
    's3:PutLifecycleConfiguration',
  ],
  example: { retentionDays: 365, lockMode: 'GOVERNANCE', archiveAfterDays: 30, archiveClass: 'GLACIER' },

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
      const observed: Observed = {
        bucket,
        exists: false,
        objectLock: null,
        ...(p.archiveAfterDays ? { lifecycle: null } : {}),
      };
      const encryption = p.kmsKeyId ? `SSE-KMS ${p.kmsKeyId}` : 'SSE-S3';
      const archive = archivePlan(ctx, p, bucket, null);
      return {
        observed,
        changes: [
          {
            action: 'create-evidence-bucket',
            target: s3Uri(bucket),
            detail: `in ${ctx.region}: Object Lock with default retention ${p.lockMode} ${p.retentionDays} days, versioning, Block Public Access, ${encryption}`,
          },
          ...archive.changes,
        ],
        ...(archive.notes.length ? { notes: archive.notes } : {}),
      };
    }
    const lock = (await ctx.aws.s3.getEvidenceBucketLock(bucket)) ?? null;
    if (!lock?.enabled) {
      throw new EvidenceBucketRefused(
        `evidence bucket "${bucket}" exists without Object Lock: evidence stored there could be changed or deleted, so drp preserves nothing in it. ` +
          `Pass --evidence-bucket NAME with a new name (drp creates it with Object Lock), or enable Object Lock on "${bucket}" (versioning on, then aws s3api put-object-lock-configuration) and run again`,
      );
    }
    const lifecycle = p.archiveAfterDays ? ((await ctx.aws.s3.getLifecycle(bucket)) ?? null) : undefined;
    const observed: Observed = {
      bucket,
      exists: true,
      objectLock: lock,
      ...(lifecycle !== undefined ? { lifecycle } : {}),
    };
    const archive = archivePlan(ctx, p, bucket, lifecycle ?? null);
    const notes = [
      ...(lock.defaultRetention
        ? []
        : [
            `evidence bucket ${bucket} has Object Lock but no default retention: evidence is kept by the legal hold drp puts on each object`,
          ]),
      ...archive.notes,
    ];
    return { observed, changes: archive.changes, ...(notes.length ? { notes } : {}) };
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
    const archiving = plan.changes.some((c) => c.action === 'put-lifecycle-configuration');
    let previous: LifecycleConfig | undefined;
    try {
      if (!plan.observed.exists) await create();
      if (archiving) {
        const rule = archiveRuleOf(ctx.incidentId, p.archiveAfterDays, p.archiveClass);
        const put = await s3.putArchiveRule(bucket, rule);
        previous = put.previous;
        calls.push(put);
        done.push(plan.changes.find((c) => c.action === 'put-lifecycle-configuration')!);
      }
    } catch (err) {
      throw new StepFailure({ changes: done, requestIds: requestIds() }, { cause: err });
    }
    // Every call succeeded: the plan's lines say it all; the calls are in the request ids.
    return {
      changes: plan.changes,
      requestIds: requestIds(),
      data: {
        bucket,
        retentionDays: p.retentionDays,
        lockMode: p.lockMode,
        ...(archiving
          ? {
              archive: {
                ruleId: archiveRuleOf(ctx.incidentId, p.archiveAfterDays, p.archiveClass).id,
                afterDays: p.archiveAfterDays,
                storageClass: p.archiveClass,
                // The configuration the rule was merged into, as S3 returned it just before the put.
                previousRules: previous?.rules ?? [],
              },
            }
          : {}),
      },
    };

    async function create() {
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
    }
  },
});

/** The archive rule's change, unless archiving is off (0) or the bucket has that very rule already. */
function archivePlan(
  ctx: StepContext,
  p: { archiveAfterDays: number; archiveClass: 'GLACIER' | 'DEEP_ARCHIVE' },
  bucket: string,
  lifecycle: LifecycleConfig | null,
): { changes: Change[]; notes: string[] } {
  if (!p.archiveAfterDays) return { changes: [], notes: [] };
  const rule = archiveRuleOf(ctx.incidentId, p.archiveAfterDays, p.archiveClass);
  if (hasArchiveRule(lifecycle, rule)) return { changes: [], notes: [] };
  const others = (lifecycle?.rules ?? []).filter((r) => r.ID !== rule.id).length;
  return { changes: [archiveChange(bucket, rule, others)], notes: archiveNotes(rule, lifecycle) };
}
