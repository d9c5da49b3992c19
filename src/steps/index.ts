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
import exportGuarddutyFindings from './export-guardduty-findings.js';
import persistenceFindings from './persistence-findings.js';
import preserveAccessLogs from './preserve-access-logs.js';
import preserveBucketState from './preserve-bucket-state.js';
import preserveCloudtrailLogs from './preserve-cloudtrail-logs.js';
import preserveFlowLogs from './preserve-flow-logs.js';
import s3BlockPublicAccess from './s3-block-public-access.js';
import s3QuarantineObjects from './s3-quarantine-objects.js';
import s3DenyPolicy from './s3-deny-policy.js';
import s3LegalHolds from './s3-legal-holds.js';
import s3ObjectLock from './s3-object-lock.js';
import s3SnapshotConfig from './s3-snapshot-config.js';
import lambdaIsolate from './lambda-isolate.js';
import apigatewayIsolate from './apigateway-isolate.js';
import cloudfrontInvalidate from './cloudfront-invalidate.js';
import wafProtect from './waf-protect.js';
import securityhubReport from './securityhub-report.js';
import dynamodbContain from './dynamodb-contain.js';
import cognitoContain from './cognito-contain.js';
import networkIsolate from './network-isolate.js';
import dynamodbExport from './dynamodb-export.js';
import detectiveInvestigate from './detective-investigate.js';
import personalizeImports from './personalize-imports.js';
import configManagedRules from './config-managed-rules.js';
import s3MfaWriteDeny from './s3-mfa-write-deny.js';

/** Every step type drp knows, in the order `drp runbooks` and README list them. Add one line per step. */
export const registry: readonly AnyStep[] = [
  s3SnapshotConfig,
  s3BlockPublicAccess,
  iamDisableAccessKeys,
  iamRevokeRoleSessions,
  // Identity (issue 25): users beyond their keys, IAM Identity Center roles and users.
  iamContainUser,
  idcRevokePermissionSetSessions,
  idcContainUser,
  s3DenyPolicy,
  orgScpDeny,
  // Edge and serverless containment (issue 17): the functions, APIs and CDN serving the media.
  lambdaIsolate,
  apigatewayIsolate,
  cloudfrontInvalidate,
  wafProtect,
  // The dossier's other surfaces (issue 24): their containment, before the locks.
  dynamodbContain,
  cognitoContain,
  networkIsolate,
  s3ObjectLock,
  s3LegalHolds,
  // Evidence preservation (issue 5), in the order the runbooks run them.
  evidenceBucket,
  preserveBucketState,
  cloudtrailStatus,
  preserveCloudtrailLogs,
  exportCloudtrailEvents,
  persistenceFindings,
  preserveAccessLogs,
  // The SOC's evidence (issue 18).
  preserveFlowLogs,
  exportGuarddutyFindings,
  // The dossier's other surfaces (issue 24): evidence and findings.
  dynamodbExport,
  detectiveInvestigate,
  personalizeImports,
  securityhubReport,
  rekognitionScan,
  provenanceScan,
  s3QuarantineObjects,
  // After the incident: drp harden (issue 24).
  configManagedRules,
  s3MfaWriteDeny,
];

export function findStep(type: string): AnyStep | undefined {
  return registry.find((s) => s.type === type);
}
