import type { FlagRow } from './flag-table.js';
import { sinceValue, wholeNumber } from './values.js';

// The flag tables of the commands that run one bundled runbook on one bucket: each flag is one of
// its params, so the on-call engineer need not know the runbook's param names.

const bucket = (description: string): FlagRow => ({
  flags: '--bucket <name>',
  param: 'bucket',
  description,
  required: true,
  check: 'bucketName',
});

export const CONTAIN_FLAGS: readonly FlagRow[] = [
  bucket('the leaked bucket'),
  {
    flags: '--user <name>',
    param: 'users',
    description:
      'IAM user to contain: access keys and other credentials Inactive, console password locked, a deny-all (repeatable)',
    list: true,
    check: 'iamNames',
  },
  {
    flags: '--keep-console',
    param: 'keepConsole',
    description:
      "leave the --user's console password as it is (the deny-all still refuses a console session)",
  },
  {
    flags: '--idc-user <name>',
    param: 'idcUsers',
    description:
      'IAM Identity Center user (its sign-in user name) denied everything in the account, colleagues untouched (repeatable)',
    list: true,
    // A user name may hold a comma: each value is one user.
    whole: true,
    check: 'idcUserName',
  },
  {
    flags: '--role <name>',
    param: 'roles',
    description:
      'IAM role whose active sessions are revoked; an Identity Center role through its permission set (repeatable)',
    list: true,
    check: 'iamNames',
  },
  {
    flags: '--function <arn>',
    param: 'functions',
    description:
      'Lambda function ARN: throttled (reserved concurrency 0) and denied by the SCP; one in a VPC also loses its network (repeatable)',
    list: true,
    check: 'lambdaFunctionArns',
  },
  {
    flags: '--api <arn>',
    param: 'apis',
    description: 'API Gateway execute-api ARN: its stages throttled to 0 and denied by the SCP (repeatable)',
    list: true,
    check: 'executeApiArns',
  },
  {
    flags: '--scp-target <id>',
    param: 'scpTarget',
    description:
      'account, OU or root id the SCP is attached to (default: the workload account, which owns the bucket)',
    check: 'orgTargetId',
  },
  {
    flags: '--no-cdn',
    param: 'cdn',
    description: 'do not invalidate the CloudFront distributions whose origin is the bucket',
  },
  {
    flags: '--web-acl <arn>',
    param: 'webAcl',
    description:
      "existing WAFv2 web ACL: AWS's IP reputation and anonymous IP rule groups go in front of its rules",
    check: 'webAclArn',
  },
  {
    flags: '--block-country <code>',
    param: 'blockCountries',
    description: 'with --web-acl: block requests from this country, ISO 3166-1 alpha-2 (repeatable)',
    list: true,
    check: 'countryCodes',
  },
  {
    flags: '--retention-days <n>',
    param: 'retentionDays',
    description: 'default Object Lock retention (GOVERNANCE) of the bucket, in days (default: 30)',
    parse: wholeNumber('--retention-days', 1, 36500),
  },
  {
    flags: '--batch-threshold <n>',
    param: 'batchThreshold',
    description:
      'above this many versions, one S3 Batch Operations job places the legal holds (default: 100000)',
    parse: wholeNumber('--batch-threshold', 1, 1_000_000_000_000),
  },
  {
    flags: '--batch-role-arn <arn>',
    param: 'batchRoleArn',
    description: 'the role S3 Batch Operations assumes (needed above the threshold)',
    check: 'roleArn',
  },
  // The dossier's other surfaces (issue 24).
  {
    flags: '--table <name>',
    param: 'tables',
    description: 'DynamoDB table whose item writes are denied, then exported as evidence (repeatable)',
    list: true,
    check: 'dynamoTableNames',
  },
  {
    flags: '--user-pool <id>',
    param: 'userPool',
    description: 'the Cognito user pool of the --cognito-user users',
    check: 'userPoolId',
  },
  {
    flags: '--cognito-user <name>',
    param: 'cognitoUsers',
    description: 'Cognito user (or its email alias) signed out everywhere and disabled (repeatable)',
    list: true,
    // A Cognito username may hold a comma: each value is one user.
    whole: true,
    check: 'cognitoUsername',
  },
];

export const PRESERVE_FLAGS: readonly FlagRow[] = [
  bucket('the leaked bucket'),
  {
    flags: '--user <name>',
    param: 'users',
    description: 'an IAM user involved: export its CloudTrail events (repeatable)',
    list: true,
    check: 'iamNames',
  },
  {
    flags: '--role <name>',
    param: 'roles',
    description: 'an IAM role involved: export its CloudTrail events (repeatable)',
    list: true,
    check: 'iamNames',
  },
];

/** Evidence preservation (issue 5), shared by contain and preserve; their defaults live in the runbooks. */
export const EVIDENCE_FLAGS: readonly FlagRow[] = [
  {
    flags: '--since <when>',
    param: 'since',
    description: 'preserve logs from this far back: 7d, 36h, 90m or an ISO time (default: 7d)',
    parse: sinceValue,
  },
  {
    flags: '--evidence-retention-days <n>',
    param: 'evidenceRetentionDays',
    description: 'default retention of an evidence bucket drp creates (default: 365)',
    parse: wholeNumber('--evidence-retention-days', 1, 36500),
  },
  {
    flags: '--evidence-lock-mode <mode>',
    param: 'evidenceLockMode',
    description: 'Object Lock mode of that retention (default: GOVERNANCE)',
    choices: ['GOVERNANCE', 'COMPLIANCE'],
  },
  // The SOC's evidence (issue 18).
  {
    flags: '--vpc <id>',
    param: 'vpcs',
    description: 'a VPC whose flow logs are preserved (repeatable)',
    list: true,
    check: 'vpcIds',
  },
  {
    flags: '--no-guardduty',
    param: 'guardduty',
    description: 'do not export the GuardDuty findings of the bucket, users and roles',
  },
  {
    flags: '--securityhub',
    param: 'securityhub',
    description: 'import the incident into Security Hub as an ASFF finding (runbook default: on)',
    negatable: { description: 'do not import the incident into Security Hub' },
  },
  {
    flags: '--archive-after-days <n>',
    param: 'archiveAfterDays',
    description:
      "days until the incident's evidence moves to S3 Glacier Flexible Retrieval, 0: never (runbook default 30)",
    parse: wholeNumber('--archive-after-days', 0, 36500),
  },
];

export const SCAN_FLAGS: readonly FlagRow[] = [
  bucket('the bucket to scan'),
  {
    flags: '--prefix <prefix>',
    param: 'prefix',
    description: 'only keys under this prefix',
    check: 'objectKeyPrefix',
  },
  {
    flags: '--since <time>',
    param: 'since',
    description:
      'every version written since: ISO 8601 time, UTC date, or 30m/24h/7d/2w (default: current versions)',
    check: 'since',
  },
  {
    flags: '--min-confidence <n>',
    param: 'minConfidence',
    description: 'a label at or above this confidence is a finding (default: 80)',
    parse: wholeNumber('--min-confidence', 0, 100),
  },
  {
    flags: '--custom-labels-model <arn>',
    param: 'customLabelsModel',
    description: 'also call this RUNNING Rekognition Custom Labels model version',
    check: 'rekognitionModelVersionArn',
  },
  {
    flags: '--labels <label>',
    param: 'labels',
    description: 'only these moderation labels (or their parents) count (repeatable)',
    list: true,
    check: 'labelName',
  },
  {
    flags: '--custom-label <name>',
    param: 'customLabels',
    description:
      'a label of the Custom Labels model that is a finding (repeatable; required with --custom-labels-model)',
    list: true,
    check: 'customLabelName',
  },
  {
    flags: '--provenance',
    param: 'provenance',
    description:
      "read each image's Content Credentials (C2PA) and XMP digital source type; alone, no Rekognition call is made",
  },
  {
    flags: '--rekognition',
    param: 'rekognition',
    description: 'with --provenance: scan with Rekognition too',
  },
  {
    flags: '--trusted-signer <subject|sha256>',
    param: 'trustedSigners',
    description:
      'a signing certificate subject DN or SHA-256 fingerprint whose valid credentials make an image trusted (repeatable)',
    list: true,
    // A subject DN holds commas ("CN=Acme Studio, O=Acme Retail"): each value is one signer.
    whole: true,
    check: 'trustedSigner',
  },
  {
    flags: '--require-credentials',
    param: 'requireCredentials',
    description: 'images without credentials, or not signed by a trusted signer, are findings too',
  },
  {
    flags: '--provenance-max-bytes <n>',
    param: 'provenanceMaxBytes',
    description: 'bytes read from one object at most for its provenance (default: 16777216)',
    parse: wholeNumber('--provenance-max-bytes', 65536, 1073741824),
  },
  {
    flags: '--quarantine',
    param: 'quarantine',
    description: 'legal hold and drp tags on each finding version (the bucket needs Object Lock)',
  },
  {
    flags: '--securityhub',
    param: 'securityhub',
    description: 'import the incident and one finding per flagged version into Security Hub',
  },
  {
    flags: '--max-tps <n>',
    param: 'maxTps',
    description: 'Rekognition calls per second at most (default: 10)',
    parse: wholeNumber('--max-tps', 1, 1000),
  },
];

/** drp harden (issue 24): after the incident, on the leaked bucket. */
export const HARDEN_FLAGS: readonly FlagRow[] = [
  bucket('the leaked bucket: its policy gets the MFA deny'),
  {
    flags: '--service-role <arn>',
    param: 'serviceRoles',
    description:
      'a role that writes to the bucket without MFA (a workload, replication): exempt from the deny (repeatable)',
    list: true,
    check: 'roleArns',
  },
  {
    flags: '--rule <identifier>',
    param: 'rules',
    description: 'deploy only these AWS Config managed rules (repeatable; default all six)',
    list: true,
    check: 'configRuleIds',
  },
];
