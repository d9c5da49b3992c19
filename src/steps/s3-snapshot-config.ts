import * as z from 'zod';
import type { S3Port } from '../aws/s3.js';
import { describeError } from '../errors.js';
import { defineStep } from './define.js';
import { BucketName } from '../names.js';
import { requireBucket } from './lib/bucket.js';

/** Each configuration item and the read that returns it (undefined: S3 says it is not set). */
const READS = {
  policy: (s3: S3Port, b: string) => s3.getBucketPolicy(b),
  acl: (s3: S3Port, b: string) => s3.getBucketAcl(b),
  publicAccessBlock: (s3: S3Port, b: string) => s3.getPublicAccessBlock(b),
  ownershipControls: (s3: S3Port, b: string) => s3.getOwnershipControls(b),
  versioning: (s3: S3Port, b: string) => s3.getVersioning(b),
  objectLock: (s3: S3Port, b: string) => s3.getObjectLockConfiguration(b),
  logging: (s3: S3Port, b: string) => s3.getBucketLogging(b),
  tags: (s3: S3Port, b: string) => s3.getBucketTagging(b),
  replication: (s3: S3Port, b: string) => s3.getBucketReplication(b),
  notification: (s3: S3Port, b: string) => s3.getBucketNotification(b),
} as const;

type Item = keyof typeof READS;

export interface Observed {
  bucket: string;
  capturedAt: string;
  /** Every item as S3 returned it; null when it is not set, or when it could not be read. */
  config: { [K in Item]: Awaited<ReturnType<(typeof READS)[K]>> | null };
  /** The items that could not be read (AccessDenied, ...), with AWS's error: their config value is null. */
  unreadable: Partial<Record<Item, { code: string; message: string }>>;
}

export const artefactName = (bucket: string) => `s3-config-${bucket}.json`;

export default defineStep({
  type: 's3-snapshot-config',
  summary:
    "Record the bucket's policy, ACL, Block Public Access, ownership, versioning, Object Lock, logging, tags, replication and notifications as an artefact: the before-state",
  params: z.object({ bucket: BucketName.describe('The bucket whose configuration is recorded') }).strict(),
  permissions: [
    's3:ListBucket',
    's3:GetBucketPolicy',
    's3:GetBucketAcl',
    's3:GetBucketPublicAccessBlock',
    's3:GetBucketOwnershipControls',
    's3:GetBucketVersioning',
    's3:GetBucketObjectLockConfiguration',
    's3:GetBucketLogging',
    's3:GetBucketTagging',
    's3:GetReplicationConfiguration',
    's3:GetBucketNotification',
  ],
  example: { bucket: 'product-media-prod' },

  // The plan phase runs before any step applies, so what it reads is the state before containment.
  async plan(ctx, { bucket }) {
    const { s3 } = ctx.aws;
    await requireBucket(s3, bucket);
    const capturedAt = ctx.now().toISOString();
    const items = Object.keys(READS) as Item[];
    // A responder may lack one read (often GetBucketPolicy): record that item as unreadable and go on.
    const results = await Promise.all(
      items.map((item) =>
        READS[item](s3, bucket).then(
          (value) => ({ item, value: value ?? null }),
          (err: unknown) => ({ item, value: null, error: describeError(err) }),
        ),
      ),
    );
    const config = {} as Record<Item, unknown>;
    const unreadable: Observed['unreadable'] = {};
    for (const r of results) {
      config[r.item] = r.value;
      if ('error' in r) unreadable[r.item] = { code: r.error.code, message: r.error.message };
    }
    const set = items.filter((i) => config[i] !== null).length;
    const failed = Object.keys(unreadable).length;
    const observed = { bucket, capturedAt, config, unreadable } as Observed;
    return {
      observed,
      changes: [
        {
          action: 'record-artefact',
          target: `s3://${bucket}`,
          detail: `${artefactName(bucket)}: ${items.length} items (${set} set, ${items.length - set - failed} not set${failed ? `, ${failed} unreadable` : ''})`,
        },
      ],
      ...(failed
        ? {
            notes: Object.entries(unreadable).map(
              ([item, e]) => `could not read ${item} (${e.code}): recorded as unreadable`,
            ),
          }
        : {}),
    };
  },

  async apply(ctx, { bucket }, plan) {
    const ref = await ctx.artefacts.write(
      artefactName(bucket),
      `${JSON.stringify(plan.observed, null, 2)}\n`,
      {
        uri: `s3://${bucket}`,
      },
    );
    return { changes: plan.changes, requestIds: [], data: { artefact: ref.path, sha256: ref.sha256 } };
  },
});
