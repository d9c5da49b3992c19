import { isDeepStrictEqual } from 'node:util';
import type { ArchiveRule, LifecycleConfig, LifecycleRule } from '../../aws/s3-lifecycle.js';
import { archiveLifecycleRule } from '../../aws/lifecycle-rule.js';
import type { Change } from '../define.js';
import { incidentPrefix, s3Uri } from './preservation/layout.js';

/**
 * The evidence bucket's archive (issue 18): one lifecycle rule per incident that moves everything
 * under incidents/<id>/ (copies, exports, anchored journals and artefacts) to an archive storage
 * class. Object Lock retention and legal holds stay on each version through the transition.
 */

export type ArchiveClass = ArchiveRule['storageClass'];

export const archiveRuleId = (incidentId: string) => `drp-archive-${incidentId}`;

export function archiveRuleOf(incidentId: string, days: number, storageClass: ArchiveClass): ArchiveRule {
  return { id: archiveRuleId(incidentId), prefix: incidentPrefix(incidentId), days, storageClass };
}

/** What a regulator's request for archived evidence waits for, from the S3 User Guide. */
export const ARCHIVE_CLASSES: Record<ArchiveClass, { name: string; retrieval: string; minimumDays: number }> =
  {
    GLACIER: {
      name: 'S3 Glacier Flexible Retrieval',
      retrieval: 'expedited 1-5 minutes, standard 3-5 hours, bulk 5-12 hours',
      minimumDays: 90,
    },
    DEEP_ARCHIVE: {
      name: 'S3 Glacier Deep Archive',
      retrieval: 'standard within 12 hours, bulk within 48 hours',
      minimumDays: 180,
    },
  };

/** What a rule does, as far as the archive is concerned: S3 may return it with fields in another form. */
const essence = (r: LifecycleRule) => ({
  status: r.Status,
  prefix: r.Filter?.Prefix ?? r.Prefix ?? '',
  filtered: Boolean(
    r.Filter?.And ?? r.Filter?.Tag ?? r.Filter?.ObjectSizeGreaterThan ?? r.Filter?.ObjectSizeLessThan,
  ),
  transitions: (r.Transitions ?? []).map((t) => [t.Days, t.Date?.toString(), t.StorageClass]),
  noncurrent: (r.NoncurrentVersionTransitions ?? []).map((t) => [
    t.NoncurrentDays,
    t.NewerNoncurrentVersions,
    t.StorageClass,
  ]),
  expires: Boolean(r.Expiration ?? r.NoncurrentVersionExpiration ?? r.AbortIncompleteMultipartUpload),
});

/** Whether the bucket already has this very rule (a re-run changes nothing). */
export function hasArchiveRule(config: LifecycleConfig | null | undefined, rule: ArchiveRule): boolean {
  const live = config?.rules.find((r) => r.ID === rule.id);
  return Boolean(live) && isDeepStrictEqual(essence(live!), essence(archiveLifecycleRule(rule)));
}

/** The plan's line: where, when, to what, and how long a retrieval takes. */
export function archiveChange(bucket: string, rule: ArchiveRule, existingRules: number): Change {
  const c = ARCHIVE_CLASSES[rule.storageClass];
  const kept = existingRules
    ? `; the bucket's ${existingRules} other lifecycle rule(s) kept as they are`
    : '';
  return {
    action: 'put-lifecycle-configuration',
    target: s3Uri(bucket, rule.prefix),
    detail: `rule ${rule.id}: every version to ${c.name} after ${rule.days} day(s), no expiration (retention and legal holds stay); reading it back then takes a restore: ${c.retrieval}${kept}`,
  };
}

/** What the operator should know before archiving: costs and what does not move. */
export function archiveNotes(rule: ArchiveRule, config: LifecycleConfig | null | undefined): string[] {
  const c = ARCHIVE_CLASSES[rule.storageClass];
  const small =
    config?.transitionDefaultMinimumObjectSize === 'varies_by_storage_class'
      ? `objects under 128 KB are archived too (the bucket's TransitionDefaultMinimumObjectSize is varies_by_storage_class); each archived object carries about 40 KB of extra storage charges`
      : `objects under 128 KB (manifests, head.json, small log files) stay in S3 Standard: S3's default minimum size for a transition`;
  return [
    `archive: ${small}`,
    `archive: ${c.name} charges at least ${c.minimumDays} days of storage per object, and each retrieval; drp verify --anchor of an archived run needs the journal restored first (aws s3api restore-object)`,
  ];
}
