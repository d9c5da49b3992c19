import type { ArchiveRule, LifecycleRule } from './s3-lifecycle.js';

// No SDK import here: the evidence-bucket step compares rules with these without loading the S3 client.

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
