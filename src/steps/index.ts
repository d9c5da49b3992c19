import type { AnyStep } from './define.js';
import cloudtrailStatus from './cloudtrail-status.js';
import evidenceBucket from './evidence-bucket.js';
import exportCloudtrailEvents from './export-cloudtrail-events.js';
import preserveAccessLogs from './preserve-access-logs.js';
import preserveBucketState from './preserve-bucket-state.js';
import preserveCloudtrailLogs from './preserve-cloudtrail-logs.js';
import s3BlockPublicAccess from './s3-block-public-access.js';

/** Every step type drp knows, in the order `drp runbooks` and README list them. Add one line per step. */
export const registry: readonly AnyStep[] = [
  s3BlockPublicAccess,
  // Evidence preservation (issue 5), in the order the runbooks run them.
  evidenceBucket,
  preserveBucketState,
  cloudtrailStatus,
  preserveCloudtrailLogs,
  exportCloudtrailEvents,
  preserveAccessLogs,
];

export function findStep(type: string): AnyStep | undefined {
  return registry.find((s) => s.type === type);
}
