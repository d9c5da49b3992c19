/**
 * Every AWS operation drp can send, per port file under src/aws/, each with why. The test beside
 * this file reads what each port imports from @aws-sdk/* and fails on any operation not listed
 * here (or listed and no longer used): a new AWS call is a reviewed change to this file.
 *
 * When a branch adds operations (restore, evidence preservation), add them here with a reason;
 * removals that undo what drp did also go in RESTORE_ONLY below.
 */
export const AWS_OPERATIONS: Record<string, Record<string, string>> = {
  'api-gateway.ts': {
    GetRestApis: 'apigateway-isolate plan: the REST APIs a wildcard --api id matches',
    GetStages: "apigateway-isolate plan: a REST API's stages and their method settings (before-state)",
    GetStage: 'restore of apigateway-isolate: the live method settings, for drift',
    GetUsagePlans:
      "apigateway-isolate plan: the usage plans whose own throttle API Gateway applies before the stage's (named, never changed)",
    GetAccount:
      "restore of apigateway-isolate: the account's throttle, which applies where a stage sets none",
    UpdateStage:
      'apigateway-isolate: throttling of every method setting to rate 0 / burst 0 (replace only); restore puts the recorded values back',
  },
  'apigatewayv2.ts': {
    GetApis: 'apigateway-isolate plan: the HTTP and WebSocket APIs a wildcard --api id matches',
    GetStages: "apigateway-isolate plan: an HTTP API's stages and their route settings (before-state)",
    GetStage: 'restore of apigateway-isolate: the live route settings, for drift',
    UpdateStage:
      'apigateway-isolate: default and per-route throttling to 0, every other route setting sent as it was; restore puts the recorded settings back',
  },
  'cloudfront.ts': {
    ListDistributions: 'cloudfront-invalidate plan: the distributions with an origin on the leaked bucket',
    CreateInvalidation:
      'cloudfront-invalidate: /* (or the given paths) on each such distribution, idempotent by CallerReference',
    GetInvalidation: 'cloudfront-invalidate: waits for each invalidation to complete (reads only)',
    ListInvalidations: "drp drill: the distribution's invalidations, checked from the outside (reads only)",
  },
  'cloudtrail.ts': {
    DescribeTrails: 'cloudtrail-status: the trails that cover the region (shadow trails included)',
    GetTrailStatus: 'cloudtrail-status: whether each trail is logging',
    GetEventSelectors: 'cloudtrail-status: whether S3 data events of the bucket are recorded',
    StartLogging: 'cloudtrail-status ensureLogging: a trail that stopped logging starts again',
    UpdateTrail: 'cloudtrail-status ensureLogging: log file validation on (nothing else is changed)',
    LookupEvents: 'export-cloudtrail-events: the event history of the window (reads only)',
  },
  'cloudwatch-logs.ts': {
    CreateExportTask:
      "preserve-flow-logs: a flow log group's window exported into the evidence bucket's incident prefix",
    DescribeExportTasks: 'preserve-flow-logs: exports done, queued or running (one active per account)',
  },
  'credentials.ts': {
    AssumeRole:
      '--target/org/logs/evidence-role-arn: the role of each identity, through fromTemporaryCredentials (which also refreshes it)',
    GetSessionToken: "--mfa-serial: one MFA session of the caller's IAM user, for every role of the run",
  },
  'cognito.ts': {
    DescribeUserPool: 'cognito-contain plan: --user-pool exists (user error otherwise)',
    AdminGetUser: 'cognito-contain plan: a --cognito-user exists, its username and Enabled (before-state)',
    ListUserPoolClients: "cognito-contain plan: the pool's app clients, for how long their tokens stay valid",
    DescribeUserPoolClient:
      "cognito-contain plan: an app client's access and ID token validity (its secret is never read)",
    AdminUserGlobalSignOut:
      "cognito-contain: revokes the user's refresh tokens (cannot be undone: the user signs in again)",
    AdminDisableUser: 'cognito-contain: the user can no longer sign in; the user and its data are kept',
    AdminEnableUser:
      'restore of cognito-contain: only users drp disabled, and only when they were enabled before',
  },
  'detective.ts': {
    ListGraphs: 'detective-investigate plan: a behavior graph this account administers in the region',
    StartInvestigation:
      'detective-investigate: an investigation of a compromised user or role (analysis, reads only)',
    GetInvestigation: 'detective-investigate: its status and severity, kept as a hashed artefact',
    ListIndicators: 'detective-investigate: its indicators of compromise, kept as a hashed artefact',
  },
  'configservice.ts': {
    DescribeConfigurationRecorders: 'config-managed-rules plan: a recorder exists, and what it records',
    DescribeConfigurationRecorderStatus: 'config-managed-rules plan: whether the recorder is recording',
    DescribeConfigRules: 'config-managed-rules plan and restore: rules already there (idempotence, drift)',
    PutConfigRule: "config-managed-rules (drp harden): an AWS managed rule drp-<identifier>, tagged drp's",
    DeleteConfigRule:
      'restore of config-managed-rules: only a rule the harden run created (absent before it), by its name',
  },
  'drill.ts': {
    GetCallerIdentity: "drp drill: the emulator's identity, read-only, for the checks",
  },
  'drill-seed.ts': {
    CreateBucket: 'drp drill seed: the leaked bucket and its log bucket, on the emulator',
    PutBucketVersioning: 'drp drill seed: versioned like a real product-media bucket',
    PutBucketPolicy: 'drp drill seed: the public-read policy of the leak',
    PutBucketAcl: "drp drill seed: S3 log delivery's grant on the log bucket",
    PutBucketLogging: 'drp drill seed: server access logging into the log bucket',
    PutObject: 'drp drill seed: product images, synthetic versions, log files',
    DeleteObject: 'drp drill seed: a delete marker (no VersionId) on a seeded object, as a leak has',
    CreateUser: 'drp drill seed: the over-permissive vendor AI user',
    CreateAccessKey: "drp drill seed: that user's active keys",
    PutUserPolicy: "drp drill seed: that user's policy",
    CreateRole: 'drp drill seed: the media pipeline role',
    PutRolePolicy: "drp drill seed: that role's policy",
    CreateOrganization: 'drp drill seed: the organization the SCP goes into',
    ListRoots: 'drp drill seed: its root, to enable SCPs',
    EnablePolicyType: 'drp drill seed: SCPs enabled on the root',
    CreateTrail: 'drp drill seed: the trail whose status is recorded',
    StartLogging: 'drp drill seed: that trail logging',
    CreateAccount: 'drp drill --accounts multi: the workload, log archive and forensics accounts',
    AssumeRole:
      'drp drill --accounts multi: seeding and reading inside those accounts (moto keys accounts by role)',
  },
  'drill-seed-edge.ts': {
    CreateFunction: 'drp drill seed: the function that generated the fake reviews, on the emulator',
    CreateFunctionUrlConfig: 'drp drill seed: its function URL, auth type NONE',
    AddPermission: 'drp drill seed: the public permission that goes with such a URL',
    CreateRestApi: 'drp drill seed: the REST API serving the media',
    GetResources: "drp drill seed: that API's root resource",
    PutMethod: 'drp drill seed: GET / on it',
    PutIntegration: 'drp drill seed: a mock integration for that method',
    CreateDeployment: 'drp drill seed: its deployment to the prod stage',
    CreateDistribution: 'drp drill seed: the distribution whose origin is the leaked bucket',
  },
  'ec2.ts': {
    DescribeFlowLogs:
      'preserve-flow-logs: the flow logs of the given VPCs and where they deliver (reads only)',
  },
  'guardduty.ts': {
    ListDetectors: "export-guardduty-findings: the region's detector",
    GetDetector: 'export-guardduty-findings: the detector is enabled, and S3 Protection (S3_DATA_EVENTS) on',
    ListFindings: 'export-guardduty-findings: findings naming the bucket, users or roles (reads only)',
    GetFindings: 'export-guardduty-findings: those findings, 50 at a time (reads only)',
  },
  'dynamodb.ts': {
    DescribeTable: 'dynamodb-* plan: a --table exists, its ARN, status and global-table replicas',
    GetResourcePolicy: 'dynamodb-contain plan: the policy and revision to keep (before-state)',
    PutResourcePolicy:
      "dynamodb-contain: the table's policy with drp's write deny added (ExpectedRevisionId); restore puts the old one back",
    DeleteResourcePolicy:
      'restore of dynamodb-contain: the table had no policy before the run (ExpectedRevisionId)',
    DescribeContinuousBackups: 'dynamodb-export plan: whether point-in-time recovery is on (before-state)',
    UpdateContinuousBackups:
      'dynamodb-export: point-in-time recovery ON (an export needs it); never turned off',
    ExportTableToPointInTime:
      "dynamodb-export: a full export into the evidence bucket's incident prefix (reads the table)",
    DescribeExport: 'dynamodb-export: wait for the export, its manifest key',
    CreateBackup: 'dynamodb-export: an on-demand backup where the export is impossible',
  },
  'iam-users.ts': {
    GetLoginProfile:
      'iam-contain-user plan: whether the user has a console password, and whether it must be reset',
    GetAccountPasswordPolicy:
      'iam-contain-user: the password policy a generated console password must satisfy',
    UpdateLoginProfile:
      'iam-contain-user: the console password replaced by a random one nobody is told (the login profile is kept, never deleted); restore: a new one, only in a 0600 file',
    ListSSHPublicKeys: "iam-contain-user plan: the user's SSH public keys (CodeCommit)",
    UpdateSSHPublicKey:
      'iam-contain-user: an SSH public key Active -> Inactive (never deleted); restore with --reactivate-keys',
    ListSigningCertificates: "iam-contain-user plan: the user's X.509 signing certificates",
    UpdateSigningCertificate:
      'iam-contain-user: a signing certificate Active -> Inactive (never deleted); restore with --reactivate-keys',
    ListServiceSpecificCredentials:
      "iam-contain-user plan: the user's service-specific credentials (CodeCommit, Keyspaces, Bedrock API keys)",
    UpdateServiceSpecificCredential:
      'iam-contain-user: a service-specific credential Active -> Inactive (never deleted); restore with --reactivate-keys',
    ListMFADevices: "iam-contain-user plan: the user's MFA devices, recorded (never changed)",
    ListUserPolicies:
      "iam-contain-user plan: the user's inline policies (IAM's 2,048-character quota, before-state)",
    GetUserPolicy: "iam-contain-user plan: each inline policy's size, and drp's deny if already there",
    PutUserPolicy: "iam-contain-user: drp's inline deny-all drp-contain-<incident>",
    DeleteUserPolicy: "restore of iam-contain-user: drp's own drp-contain-<incident>, on users that had none",
    ListAttachedUserPolicies:
      "iam-contain-user plan: the user's managed policies (AWSDenyAll already attached?)",
    AttachUserPolicy:
      "iam-contain-user: AWS's AWSDenyAll, when the user's inline policies leave no room for drp's",
    DetachUserPolicy:
      'restore of iam-contain-user: the AWSDenyAll drp attached, and only when it was not attached before',
  },
  'iam.ts': {
    GetRole: 'plan: a --role exists, its path for the caller principal; refuse service-linked roles',
    GetUser: 'plan: a --user exists (user error otherwise)',
    ListAccessKeys: 'plan: the keys of a --user to deactivate',
    ListUserTags: "plan: which key is this incident's replacement (never deactivated again)",
    GetRolePolicy: 'plan: whether the revoke policy is already on the role (idempotence, before-state)',
    UpdateAccessKey: 'iam-disable-access-keys: Active -> Inactive; never deleted',
    CreateAccessKey: 'iam-disable-access-keys issueReplacement: one new key, its secret only in a 0600 file',
    TagUser: 'iam-disable-access-keys: mark the replacement key so a re-run keeps it active',
    PutRolePolicy: 'iam-revoke-role-sessions: inline deny for sessions issued before now',
    DeleteRolePolicy:
      "restore of iam-revoke-role-sessions: drp's own drp-revoke-<incident>, on roles that had none",
  },
  'lambda.ts': {
    GetFunctionConfiguration: "preserve-flow-logs: the VPC of a contained function's VPC config (reads only)",
    ListFunctions: 'lambda-isolate plan: the functions a wildcard --function ARN matches',
    GetFunctionConcurrency:
      'lambda-isolate plan: the function exists, and its reserved concurrency (before-state)',
    GetPolicy:
      "lambda-isolate plan: the function's and its aliases' resource policies, public statements named",
    GetFunctionUrlConfig: 'lambda-isolate plan: function URLs, those with auth type NONE named',
    ListAliases: 'lambda-isolate plan: the aliases whose policies and URLs are read',
    PutFunctionConcurrency:
      'lambda-isolate: reserved concurrency 0 (every invocation throttled, nothing deleted); restore puts the old value back',
    DeleteFunctionConcurrency:
      'restore of lambda-isolate: the function had no reserved concurrency before drp set 0',
  },
  'identitystore.ts': {
    GetUserId: "idc-contain-user plan: an Identity Center user's id from its user name",
    ListGroupMembershipsForMember:
      "idc-contain-user plan: the user's groups (assignments to a group reach its members)",
  },
  'iam-simulate.ts': {
    SimulatePrincipalPolicy:
      "drp preflight: whether each identity's policies, boundary and SCPs allow every action its steps call (evaluates, changes nothing)",
  },
  'kms.ts': {
    GetPublicKey: '--kms-key-id: the public key recorded in the genesis; drp preflight: the key is usable',
    Sign: '--kms-key-id: signs each journal entry',
  },
  'network.ts': {
    GetFunctionConfiguration:
      "network-isolate plan: the function's VPC, subnets and security groups (before-state); its update state",
    ListVersionsByFunction:
      'network-isolate plan: published versions, whose VPC settings cannot change (a note)',
    UpdateFunctionConfiguration:
      "network-isolate: the function's security groups (VPC settings only, RevisionId); restore puts the old ones back",
    DescribeSecurityGroups:
      "network-isolate: drp's isolation group in the VPC (by tag), and its rules before and after",
    CreateSecurityGroup:
      'network-isolate: the isolation group, once per VPC, tagged at creation; never deleted',
    RevokeSecurityGroupEgress:
      "network-isolate: the default allow-all outbound rule of drp's isolation group (tag checked first); no other rule",
  },
  'organizations.ts': {
    DescribeOrganization: 'plan: feature set and management account',
    ListRoots: 'plan: the root and whether SCPs are enabled',
    DescribeAccount: 'plan: --scp-target account exists in the organization',
    DescribeOrganizationalUnit: 'plan: --scp-target OU exists',
    ListPolicies: "plan: drp's SCP of this incident, if made before",
    DescribePolicy: 'plan: its content (idempotence, before-state)',
    ListTargetsForPolicy: 'plan: whether it is already attached',
    CreatePolicy: "org-scp-deny: drp's own SCP drp-<incident>",
    UpdatePolicy: "org-scp-deny: drp's own SCP, when its content must change",
    AttachPolicy: 'org-scp-deny: attach it to the target',
    DetachPolicy: "restore of org-scp-deny: drp's own SCP from the target drp attached it to",
    DeletePolicy:
      "restore of org-scp-deny: drp's own SCP, only when drp created it and it is attached nowhere else",
  },
  'pricing.ts': {
    GetProducts: "the plan's cost estimate: list prices of the run's region (reads only)",
  },
  'rekognition.ts': {
    DescribeProjects: 'scan plan: the Custom Labels project exists',
    DescribeProjectVersions: 'scan plan: the model version is RUNNING',
    DetectModerationLabels: 'rekognition-scan: labels of one image version (reads only)',
    DetectCustomLabels: 'rekognition-scan: the custom model on one image version (reads only)',
  },
  'personalize.ts': {
    ListDatasetImportJobs: 'personalize-imports: the dataset import jobs of the account (reads only)',
    DescribeDatasetImportJob: 'personalize-imports: where each job read its data (reads only)',
  },
  's3-bucket-config.ts': {
    GetBucketAcl: 's3-snapshot-config: before-state',
    GetBucketLogging: 's3-snapshot-config: before-state',
    GetBucketNotificationConfiguration: 's3-snapshot-config: before-state',
    GetBucketOwnershipControls: 's3-snapshot-config: before-state',
    GetBucketPolicy: 's3-snapshot-config and s3-deny-policy: before-state, statements to keep',
    GetBucketReplication: 's3-snapshot-config: before-state',
    GetBucketTagging: 's3-snapshot-config: before-state',
    GetBucketVersioning: 's3-snapshot-config and s3-object-lock: before-state',
    GetObjectLockConfiguration:
      's3-snapshot-config, s3-object-lock and s3-legal-holds: before-state; restore of s3-object-lock: drift',
    PutBucketPolicy: 's3-deny-policy: the policy with drp deny added, every other statement kept',
    PutBucketVersioning: 's3-object-lock: Enabled (never Suspended), Object Lock needs it',
    PutObjectLockConfiguration:
      "s3-object-lock: GOVERNANCE default retention, never weakened; its restore: the bucket's own default retention back (or none: Object Lock stays on)",
    DeleteBucketPolicy: 'restore of s3-deny-policy: the bucket had no policy before the run',
  },
  's3-evidence.ts': {
    CreateBucket: 'evidence-bucket: the evidence bucket, created with Object Lock enabled',
    PutBucketEncryption: 'evidence-bucket: default encryption of the bucket drp created',
    PutObjectLockConfiguration: 'evidence-bucket: default retention of the bucket drp created',
    GetObjectLockConfiguration: 'evidence-bucket: an existing bucket without Object Lock is refused',
    PutObject: 'preservation: an artefact or the journal, with SHA-256 checksum and legal hold ON',
    CopyObject: 'preserve-*-logs: server-side copy of a log file, legal hold ON',
    HeadObject: 'preservation: verify each copy (size, checksum, hold)',
    ListObjectsV2: 'preserve-*-logs: the log files of the window',
    GetBucketLogging: 'preserve-access-logs: where the bucket writes its server access logs',
    GetObject: 'verify --anchor: the anchored journal and head.json (reads only)',
  },
  's3-lifecycle.ts': {
    GetBucketLifecycleConfiguration:
      'evidence-bucket: the rules the archive rule is merged with (before-state)',
    PutBucketLifecycleConfiguration:
      "evidence-bucket archiveAfterDays: the evidence bucket's rules as they were, plus drp's transition-only archive rule",
  },
  's3-objects.ts': {
    ListObjectVersions: 'scan: the versions to scan',
    HeadObject: 'scan: the content type of one version',
    GetObjectLockConfiguration: 'quarantine plan: Object Lock is on',
    GetObjectLegalHold: 'quarantine: skip versions already held',
    GetObjectTagging: 'quarantine: tags to keep when adding drp tags',
    PutObjectLegalHold: 'quarantine: legal hold ON on each finding version',
    PutObjectTagging: "quarantine: the version's tags plus drp's",
  },
  's3-ranges.ts': {
    GetObject:
      'provenance-scan: bounded byte ranges of one image version (header, and the whole image within the cap when it has Content Credentials)',
  },
  's3-stream.ts': {
    GetObject:
      'preserve-*-logs: a log file read by the identity that can read it, uploaded by the evidence identity (If-Match pins the listed version)',
  },
  's3-versions.ts': {
    ListObjectVersions: 's3-legal-holds: one page in the plan, then every version, streamed',
    GetObjectLegalHold: 's3-legal-holds: skip versions already held on a re-run',
    PutObjectLegalHold:
      's3-legal-holds: legal hold ON on every version (OFF only by restore --release-holds)',
    PutObject: 's3-legal-holds batch path: the manifest CSV into the evidence bucket',
  },
  's3.ts': {
    HeadBucket:
      'plan: the bucket exists (user error otherwise); its region (x-amz-bucket-region), where the run acts',
    GetPublicAccessBlock: 's3-block-public-access: before-state',
    PutPublicAccessBlock: 's3-block-public-access: all four settings on',
    DeletePublicAccessBlock: 'restore of s3-block-public-access: the bucket had none before the run',
  },
  's3control.ts': {
    CreateJob: 's3-legal-holds batch path: one S3PutObjectLegalHold job (idempotency token)',
    DescribeJob: 's3-legal-holds batch path: the job, polled until it finishes, its failed tasks',
    ListJobs: "s3-legal-holds batch path: drp's unfinished job on the bucket, waited for instead of a second",
  },
  'wafv2.ts': {
    GetWebACL: 'waf-protect plan: the web ACL, its rules and lock token (before-state)',
    UpdateWebACL:
      "waf-protect: drp's rules added (every other setting and rule sent back as it was); restore removes exactly drp's rules",
  },
  'securityhub.ts': {
    DescribeHub: 'securityhub-report plan: Security Hub is enabled (not-applicable otherwise)',
    GetFindings:
      "securityhub-report: the incident finding drp imported before (its CreatedAt; restore's drift)",
    BatchImportFindings: "securityhub-report: drp's own ASFF findings (the incident, the scan's findings)",
    BatchUpdateFindings: "restore of securityhub-report: the incident finding's workflow status and a note",
  },
  'ssoadmin.ts': {
    ListInstances: 'idc-* plan: the IAM Identity Center instance and its identity store',
    ListPermissionSetsProvisionedToAccount:
      'idc-revoke-permission-set-sessions plan: the permission set behind an AWSReservedSSO_ role',
    DescribePermissionSet: "idc-revoke-permission-set-sessions plan: a permission set's name",
    ListAccountAssignmentsForPrincipal:
      'idc-contain-user plan: the permission sets assigned to the user (and its groups) in the account',
    GetInlinePolicyForPermissionSet: 'idc-* plan: the inline policy before drp (before-state, merged into)',
    PutInlinePolicyToPermissionSet:
      "idc-*: the inline policy with drp's deny statement merged in, every other statement kept",
    DeleteInlinePolicyFromPermissionSet:
      'restore of idc-*: the permission set had no inline policy before drp gave it one',
    ProvisionPermissionSet: 'idc-*: the changed permission set applied to its role in the target account',
    DescribePermissionSetProvisioningStatus: 'idc-*: waits (bounded) for that provisioning to finish',
  },
  'sns.ts': {
    GetTopicAttributes:
      '--notify-topic: the topic exists, its subscriptions and KMS key, before the plan is approved',
    Publish:
      '--notify-topic: a message at approval, containment, each failure, the evidence and the deadline',
  },
  'sts.ts': {
    GetCallerIdentity: 'every run: who the caller is, the principal every deny exempts',
  },
};

/**
 * The SDK's credential providers a port may import, and the operations each sends: they are
 * values that are not Command classes, so the import reader learns their calls from here.
 */
export const CREDENTIAL_PROVIDERS: Record<string, string[]> = {
  fromTemporaryCredentials: ['AssumeRole'],
  fromNodeProviderChain: [],
};

/**
 * Removals drp may send: each undoes what drp itself did (its own SCP, its own role policy, the
 * bucket policy or public access block it changed, put back as it was), and only restore code
 * may reach them (see restore-reachability.ts). Restore adds its operations here.
 */
export const RESTORE_ONLY: ReadonlySet<string> = new Set<string>([
  'DeleteResourcePolicy',
  'DeleteBucketPolicy',
  'DeletePublicAccessBlock',
  'DeleteRolePolicy',
  'DeleteUserPolicy',
  'DetachUserPolicy',
  'DeleteInlinePolicyFromPermissionSet',
  'DeletePolicy',
  'DetachPolicy',
  'DeleteFunctionConcurrency',
  'DeleteConfigRule',
]);

/**
 * Removals a run may send, each only on a thing drp itself created, checked by the port method
 * that sends it (and by a unit test of that port): nothing of the customer's is reachable.
 */
export const ON_DRP_CREATED_ONLY: Record<string, string> = {
  RevokeSecurityGroupEgress:
    "network.ts closeIsolationGroup: only a group tagged drp:isolation, only AWS's default allow-all outbound rule",
};

/**
 * Ports that reach only an emulator: their clients are built with src/aws/drill.ts's
 * emulatorOptions (its endpoint, throwaway credentials; nothing from the operator's environment),
 * and only `drp drill` imports them. The seed of a drill writes an incident, delete marker
 * included, into an emulator drp itself started; the rules for real accounts do not apply.
 */
export const EMULATOR_ONLY: Record<string, string> = {
  'drill-seed.ts': "seeds drp drill's incident on the emulator",
  'drill-seed-edge.ts':
    "seeds the edge of drp drill's incident (function, API, distribution) on the emulator",
};

/**
 * Operations that destroy customer data or evidence: objects and versions, buckets, keys, logs
 * and trails, or rules that delete or make data unreadable later. None may ever be on the list.
 */
export const NEVER: { pattern: RegExp; why: string; port?: string; exceptPort?: string }[] = [
  { pattern: /^Delete\w*Object/, why: 'deletes objects, versions or their data' },
  { pattern: /^DeleteBucket$/, why: 'deletes the bucket' },
  // drp writes one lifecycle rule, on the evidence bucket only, and it only moves versions to an
  // archive class (s3-lifecycle.ts builds it: transitions, no expiration; a test there says so).
  {
    pattern: /^PutBucketLifecycle/,
    exceptPort: 's3-lifecycle.ts',
    why: 'a lifecycle rule expires (deletes) objects and versions later',
  },
  { pattern: /^DeleteBucket(Lifecycle|Replication|Encryption)$/, why: "removes a customer's data control" },
  { pattern: /^DeleteAccessKey$/, why: 'deletes an access key (evidence; deactivate instead)' },
  { pattern: /^Delete(User|Role|Group|LoginProfile)$/, why: 'deletes an identity of the customer' },
  { pattern: /^DeletePolicy$/, port: 'iam.ts', why: "deletes a customer's managed IAM policy" },
  { pattern: /^(DeleteTrail|StopLogging)$/, why: 'destroys or stops the CloudTrail record' },
  { pattern: /^DeleteLog(Group|Stream)$|^DeleteEventDataStore$/, why: 'deletes logs' },
  { pattern: /^(ScheduleKeyDeletion|DisableKey)$/, why: 'makes encrypted data unreadable' },
];

/** Names that remove something: each must be restore-only (or is NEVER). */
export const REMOVAL = /^(Delete|Detach|Remove|Disable|Deactivate|Stop|Cancel|Untag|Revoke)/;
