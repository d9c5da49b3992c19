import type { AnyStep } from './define.js';
import iamContainUser from './iam-contain-user.js';
import idcContainUser from './idc-contain-user.js';
import idcRevokePermissionSetSessions from './idc-revoke-permission-set-sessions.js';
import iamDisableAccessKeys from './iam-disable-access-keys.js';
import iamRevokeRoleSessions from './iam-revoke-role-sessions.js';
import orgScpDeny from './org-scp-deny.js';
import rekognitionScan from './rekognition-scan.js';
import provenanceScan from './provenance-scan.js';
import cloudtrailStatus from './cloudtrail-status.js';
import evidenceBucket from './evidence-bucket.js';
import exportCloudtrailEvents from './export-cloudtrail-events.js';
import persistenceFindings from './persistence-findings.js';
import preserveAccessLogs from './preserve-access-logs.js';
import preserveBucketState from './preserve-bucket-state.js';
import preserveCloudtrailLogs from './preserve-cloudtrail-logs.js';
import s3BlockPublicAccess from './s3-block-public-access.js';
import s3QuarantineObjects from './s3-quarantine-objects.js';
import s3DenyPolicy from './s3-deny-policy.js';
import s3ObjectLock from './s3-object-lock.js';
import s3SnapshotConfig from './s3-snapshot-config.js';

/** Every step type drp knows, in the order `drp runbooks` and README list them. Add one line per step. */
export const registry: readonly AnyStep[] = [
  s3SnapshotConfig,
  s3BlockPublicAccess,
  iamDisableAccessKeys,
  iamRevokeRoleSessions,
  iamContainUser,
  idcRevokePermissionSetSessions,
  idcContainUser,
  s3ObjectLock,
  s3DenyPolicy,
  orgScpDeny,
  // Evidence preservation (issue 5), in the order the runbooks run them.
  evidenceBucket,
  preserveBucketState,
  cloudtrailStatus,
  preserveCloudtrailLogs,
  exportCloudtrailEvents,
  persistenceFindings,
  preserveAccessLogs,
  rekognitionScan,
  provenanceScan,
  s3QuarantineObjects,
];

export function findStep(type: string): AnyStep | undefined {
  return registry.find((s) => s.type === type);
}
