import type { AnyStep } from './define.js';
import s3BlockPublicAccess from './s3-block-public-access.js';
import s3DenyPolicy from './s3-deny-policy.js';
import s3ObjectLock from './s3-object-lock.js';
import s3SnapshotConfig from './s3-snapshot-config.js';

/** Every step type drp knows, in the order `drp runbooks` and README list them. Add one line per step. */
export const registry: readonly AnyStep[] = [
  s3SnapshotConfig,
  s3BlockPublicAccess,
  s3ObjectLock,
  s3DenyPolicy,
];

export function findStep(type: string): AnyStep | undefined {
  return registry.find((s) => s.type === type);
}
