import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { identityOf } from '../steps/define.js';
import type { Acting } from './acting.js';
import type { PreparedStep } from './execute.js';

/** The buckets the target's steps name (the leaked bucket): the run acts in their region. */
export function bucketsOf(steps: PreparedStep[]): string[] {
  const names = steps
    .filter((s) => identityOf(s.definition) === 'target')
    .map((s) => (s.params as { bucket?: unknown } | undefined)?.bucket)
    .filter((b): b is string => typeof b === 'string' && b.length > 0);
  return [...new Set(names)];
}

/**
 * The region the target acts in: the leaked bucket's, found with HeadBucket (S3 names it on any
 * answer), so a bucket outside --region is contained where it is. Buckets in different regions
 * are one run each.
 */
export async function targetRegion(
  acting: Acting,
  buckets: string[],
  runRegion: string,
  log: Logger,
): Promise<string> {
  if (buckets.length === 0) return runRegion;
  const { s3 } = await acting.ports('target', true, runRegion);
  const found = new Map<string, string>();
  for (const bucket of buckets) {
    const region = await s3.bucketRegion(bucket);
    if (region) found.set(bucket, region);
  }
  const regions = [...new Set(found.values())];
  if (regions.length > 1)
    throw new UserError(
      `the run's buckets are in different regions (${[...found].map(([b, r]) => `${b}: ${r}`).join(', ')}): run drp once per region`,
    );
  if (regions[0] && regions[0] !== runRegion)
    log.warn(
      { buckets, region: regions[0], runRegion },
      'the bucket is in another region than --region: acting there',
    );
  return regions[0] ?? runRegion;
}
