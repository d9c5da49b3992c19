import { BYTES_PER_GB, type CostItem } from '../../prices.js';
import type { Change } from '../define.js';

/**
 * The cost declarations steps share (StepDefinition.cost): each reads only its plan. Request
 * counts follow what apply sends; reads drp makes to plan (listings, a HEAD per version) are left
 * out, being a few dollars per million at most.
 */

/**
 * Legal holds (s3-legal-holds): one PutObjectLegalHold per version, by drp or by one S3 Batch
 * Operations job. A plan that read only the first page knows a floor: at least that many.
 */
export function legalHoldCost(plan: {
  changes: Change[];
  observed: { listed: { versions: number; complete: boolean } };
}): CostItem[] {
  const { listed } = plan.observed;
  const holds = plan.changes.find((c) => c.action === 'put-legal-hold');
  if (holds?.count)
    return [{ priceKey: 's3.request.tier1', units: holds.count, what: 'PutObjectLegalHold requests' }];
  if (holds)
    return [
      {
        priceKey: 's3.request.tier1',
        units: listed.versions,
        what: 'PutObjectLegalHold requests (the plan counted the first page)',
        bound: 'at-least',
      },
    ];
  if (!plan.changes.some((c) => c.action === 'create-batch-job')) return [];
  return [
    { priceKey: 's3.batch.job', units: 1, what: 'Batch Operations job' },
    { priceKey: 's3.batch.object', units: listed.versions, what: 'versions the job processes' },
    {
      priceKey: 's3.request.tier1',
      units: listed.versions,
      what: 'PutObjectLegalHold requests the job makes',
    },
  ];
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
