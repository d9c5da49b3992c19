import type { AnyStep } from './define.js';
import rekognitionScan from './rekognition-scan.js';
import s3BlockPublicAccess from './s3-block-public-access.js';
import s3QuarantineObjects from './s3-quarantine-objects.js';

/** Every step type drp knows, in the order `drp runbooks` and README list them. Add one line per step. */
export const registry: readonly AnyStep[] = [s3BlockPublicAccess, rekognitionScan, s3QuarantineObjects];

export function findStep(type: string): AnyStep | undefined {
  return registry.find((s) => s.type === type);
}
