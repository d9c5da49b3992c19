import type { LifecycleRule } from '@aws-sdk/client-s3';

// No SDK code here (the import above is types only): the evidence-bucket step compares rules with
// these without loading the S3 client.

/**
 * The only lifecycle rule drp writes: current and noncurrent versions under one prefix move to an
 * archive storage class after some days. It has no expiration of any kind, by construction: S3
 * keeps every Object Lock retention and legal hold through a transition, and nothing is deleted.
 */
export interface ArchiveRule {
  id: string;
  prefix: string;
  days: number;
  storageClass: 'GLACIER' | 'DEEP_ARCHIVE';
}

/** The S3 rule of an ArchiveRule: transitions only. */
export function archiveLifecycleRule(rule: ArchiveRule): LifecycleRule {
  return {
    ID: rule.id,
    Status: 'Enabled',
    Filter: { Prefix: rule.prefix },
    Transitions: [{ Days: rule.days, StorageClass: rule.storageClass }],
    NoncurrentVersionTransitions: [{ NoncurrentDays: rule.days, StorageClass: rule.storageClass }],
  };
}

/** The configuration with drp's rule in it: every other rule exactly as it was, in its place. */
export function withArchiveRule(
  previous: { rules: LifecycleRule[] } | undefined,
  rule: ArchiveRule,
): LifecycleRule[] {
  const rules = [...(previous?.rules ?? [])];
  const mine = archiveLifecycleRule(rule);
  const at = rules.findIndex((r) => r.ID === rule.id);
  if (at >= 0) rules[at] = mine;
  else rules.push(mine);
  return rules;
}
