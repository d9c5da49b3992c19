import { BYTES_PER_GB, type CostItem } from '../../prices.js';
import type { Change } from '../define.js';

/**
 * The cost declarations steps share (StepDefinition.cost): each reads only its plan. Request
 * counts follow what apply sends; reads drp makes to plan (listings, a HEAD per version) are left
 * out, being a few dollars per million at most.
 */

/** Legal holds: one PutObjectLegalHold per version, by drp or by one S3 Batch Operations job. */
export function legalHoldCost(plan: { changes: Change[]; observed: { versions: number } }): CostItem[] {
  const items: CostItem[] = [];
  const holds = plan.changes.find((c) => c.action === 'put-legal-hold');
  if (holds?.count)
    items.push({ priceKey: 's3.request.tier1', units: holds.count, what: 'PutObjectLegalHold requests' });
  if (plan.changes.some((c) => c.action === 'create-batch-job')) {
    // The plan stops counting past the threshold: the bucket holds at least that many versions.
    const versions = plan.observed.versions;
    items.push(
      { priceKey: 's3.batch.job', units: 1, what: 'Batch Operations job' },
      { priceKey: 's3.batch.object', units: versions, what: 'versions the job processes', bound: 'at-least' },
      {
        priceKey: 's3.request.tier1',
        units: versions,
        what: 'PutObjectLegalHold requests the job makes',
        bound: 'at-least',
      },
    );
  }
  return items;
}

/**
 * Log files copied into the evidence bucket: a CopyObject and a HeadObject (the check of the copy)
 * each, and their bytes, charged as transfer between regions only when the log bucket is in another
 * region than the evidence bucket (the plan does not know: at most).
 */
export function logCopyCost(pending: { files: number; bytes: number }[]): CostItem[] {
  const files = pending.reduce((n, p) => n + p.files, 0);
  const bytes = pending.reduce((n, p) => n + p.bytes, 0);
  if (files === 0) return [];
  return [
    { priceKey: 's3.request.tier1', units: files, what: 'CopyObject requests (log files)' },
    { priceKey: 's3.request.tier2', units: files, what: 'HeadObject checks of the copies' },
    {
      priceKey: 'transfer.inter-region.gb',
      units: bytes / BYTES_PER_GB,
      what: 'GB of log data copied (charged only when the log bucket is in another region)',
      bound: 'at-most',
    },
  ];
}
