import {
  DeleteBucketPolicyCommand,
  GetBucketAclCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type Grant,
  type LoggingEnabled,
  type NotificationConfiguration,
  type Owner,
  type OwnershipControlsRule,
  type ReplicationConfiguration,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, type Call } from './call.js';

export interface BucketAcl {
  owner: Owner | null;
  grants: Grant[];
}

export interface BucketVersioning {
  status: 'Enabled' | 'Suspended';
  mfaDelete?: 'Enabled' | 'Disabled';
}

export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface DefaultRetention {
  mode: LockMode;
  days?: number;
  years?: number;
}

export interface ObjectLockConfig {
  enabled: boolean;
  /** The bucket's default retention, when it has one. */
  mode?: LockMode;
  days?: number;
  years?: number;
}

/**
 * Reads and writes of a bucket's configuration. Every read returns undefined for AWS's
 * "not set" answer (NoSuchBucketPolicy, NoSuchTagSet, ...), never throws for it.
 */
export interface S3BucketConfigPort {
  /** The policy text exactly as S3 returns it. */
  getBucketPolicy(bucket: string): Promise<string | undefined>;
  putBucketPolicy(bucket: string, policy: string): Promise<Call>;
  /**
   * Only `drp restore` calls it, and only to put back a bucket that had no policy before drp
   * added its deny: the policy it removes then holds nothing but drp's own statement.
   */
  deleteBucketPolicy(bucket: string): Promise<Call>;
  getBucketAcl(bucket: string): Promise<BucketAcl>;
  getOwnershipControls(bucket: string): Promise<OwnershipControlsRule[] | undefined>;
  /** undefined: versioning was never enabled on the bucket. */
  getVersioning(bucket: string): Promise<BucketVersioning | undefined>;
  enableVersioning(bucket: string): Promise<Call>;
  getObjectLockConfiguration(bucket: string): Promise<ObjectLockConfig | undefined>;
  /** Enables Object Lock with this default retention (S3 allows it on a versioned bucket). */
  putObjectLockConfiguration(bucket: string, mode: LockMode, days: number): Promise<Call>;
  /**
   * Only `drp restore`: puts back the default retention the bucket had before drp (undefined: none,
   * sent as ObjectLockEnabled without a Rule, which is how S3 removes a default retention; Object
   * Lock itself stays on, as S3 allows no other way).
   */
  restoreObjectLockRule(bucket: string, before: DefaultRetention | undefined): Promise<Call>;
  getBucketLogging(bucket: string): Promise<LoggingEnabled | undefined>;
  getBucketTagging(bucket: string): Promise<Tag[] | undefined>;
  getBucketReplication(bucket: string): Promise<ReplicationConfiguration | undefined>;
  getBucketNotification(bucket: string): Promise<NotificationConfiguration | undefined>;
}

/** Runs a read, mapping the listed "not set" error codes to undefined. */
async function unlessNotSet<T>(read: () => Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err, ...codes)) return undefined;
    throw err;
  }
}

export function createS3BucketConfigPort(client: S3Client): S3BucketConfigPort {
  return {
    getBucketPolicy: (bucket) =>
      unlessNotSet(
        async () => (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy,
        'NoSuchBucketPolicy',
      ),

    async putBucketPolicy(bucket, policy) {
      return callOf(await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy })));
    },

    // Restores a prior "no policy" state; see the interface: never called on a policy drp did not write.
    async deleteBucketPolicy(bucket) {
      return callOf(await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket })));
    },

    async getBucketAcl(bucket) {
      const out = await client.send(new GetBucketAclCommand({ Bucket: bucket }));
      return { owner: out.Owner ?? null, grants: out.Grants ?? [] };
    },

    getOwnershipControls: (bucket) =>
      unlessNotSet(
        async () =>
          (await client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls
            ?.Rules,
        'OwnershipControlsNotFoundError',
      ),

    async getVersioning(bucket) {
      const out = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      if (!out.Status) return undefined;
      return { status: out.Status, ...(out.MFADelete ? { mfaDelete: out.MFADelete } : {}) };
    },

    async enableVersioning(bucket) {
      return callOf(
        await client.send(
          new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
        ),
      );
    },

    getObjectLockConfiguration: (bucket) =>
      unlessNotSet(async () => {
        const { ObjectLockConfiguration: c } = await client.send(
          new GetObjectLockConfigurationCommand({ Bucket: bucket }),
        );
        if (!c) return undefined;
        const retention = c.Rule?.DefaultRetention;
        return {
          enabled: c.ObjectLockEnabled === 'Enabled',
          ...(retention?.Mode ? { mode: retention.Mode } : {}),
          ...(retention?.Days ? { days: retention.Days } : {}),
          ...(retention?.Years ? { years: retention.Years } : {}),
        };
      }, 'ObjectLockConfigurationNotFoundError'),

    async putObjectLockConfiguration(bucket, mode, days) {
      return callOf(
        await client.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: {
              ObjectLockEnabled: 'Enabled',
              Rule: { DefaultRetention: { Mode: mode, Days: days } },
            },
          }),
        ),
      );
    },

    async restoreObjectLockRule(bucket, before) {
      const rule = before && {
        DefaultRetention: {
          Mode: before.mode,
          ...(before.days ? { Days: before.days } : {}),
          ...(before.years ? { Years: before.years } : {}),
        },
      };
      return callOf(
        await client.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', ...(rule ? { Rule: rule } : {}) },
          }),
        ),
      );
    },

    async getBucketLogging(bucket) {
      return (await client.send(new GetBucketLoggingCommand({ Bucket: bucket }))).LoggingEnabled;
    },

    getBucketTagging: (bucket) =>
      unlessNotSet(
        async () => (await client.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet,
        'NoSuchTagSet',
      ),

    getBucketReplication: (bucket) =>
      unlessNotSet(
        async () =>
          (await client.send(new GetBucketReplicationCommand({ Bucket: bucket }))).ReplicationConfiguration,
        'ReplicationConfigurationNotFoundError',
      ),

    async getBucketNotification(bucket) {
      const { $metadata: _, ...config } = await client.send(
        new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
      );
      const set = Object.values(config).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined));
      return set ? config : undefined;
    },
  };
}
