import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, type Call } from './call.js';
import { withArchiveRule, type ArchiveRule } from './lifecycle-rule.js';

export type { ArchiveRule } from './lifecycle-rule.js';

export type { LifecycleRule } from '@aws-sdk/client-s3';

/** A bucket's lifecycle configuration as S3 returns it. */
export interface LifecycleConfig {
  rules: LifecycleRule[];
  /** all_storage_classes_128K (S3's default) or varies_by_storage_class. */
  transitionDefaultMinimumObjectSize?: string;
}

export interface S3LifecyclePort {
  /** undefined: the bucket has no lifecycle configuration (NoSuchLifecycleConfiguration). */
  getLifecycle(bucket: string): Promise<LifecycleConfig | undefined>;
  /**
   * PutBucketLifecycleConfiguration replaces the whole configuration, so this reads it first and
   * sends every existing rule back unchanged, with drp's rule added (or replacing the rule of the
   * same ID). Returns the configuration it replaced, for the journal.
   */
  putArchiveRule(bucket: string, rule: ArchiveRule): Promise<Call & { previous?: LifecycleConfig }>;
}

export function createS3LifecyclePort(client: S3Client): S3LifecyclePort {
  const getLifecycle = async (bucket: string): Promise<LifecycleConfig | undefined> => {
    try {
      const out = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
      return {
        rules: out.Rules ?? [],
        ...(out.TransitionDefaultMinimumObjectSize
          ? { transitionDefaultMinimumObjectSize: out.TransitionDefaultMinimumObjectSize }
          : {}),
      };
    } catch (err) {
      if (isNotFound(err, 'NoSuchLifecycleConfiguration')) return undefined;
      throw err;
    }
  };
  return {
    getLifecycle,

    async putArchiveRule(bucket, rule) {
      const previous = await getLifecycle(bucket);
      const minimum = previous?.transitionDefaultMinimumObjectSize as TransitionDefaultMinimumObjectSize;
      const out = await client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules: withArchiveRule(previous, rule) },
          // Kept as the bucket had it: it decides for every rule whether objects under 128 KB move.
          ...(minimum ? { TransitionDefaultMinimumObjectSize: minimum } : {}),
        }),
      );
      return { ...callOf(out), ...(previous ? { previous } : {}) };
    },
  };
}
