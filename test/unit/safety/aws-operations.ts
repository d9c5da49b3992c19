/**
 * Every AWS operation drp can send, per port file under src/aws/, each with why. The test beside
 * this file reads what each port imports from @aws-sdk/* and fails on any operation not listed
 * here (or listed and no longer used): a new AWS call is a reviewed change to this file.
 *
 * When a branch adds operations (restore, evidence preservation), add them here with a reason;
 * removals that undo what drp did also go in RESTORE_ONLY below.
 */
export const AWS_OPERATIONS: Record<string, Record<string, string>> = {
  'cloudtrail.ts': {
    DescribeTrails: 'cloudtrail-status: the trails that cover the region (shadow trails included)',
    GetTrailStatus: 'cloudtrail-status: whether each trail is logging',
    GetEventSelectors: 'cloudtrail-status: whether S3 data events of the bucket are recorded',
    StartLogging: 'cloudtrail-status ensureLogging: a trail that stopped logging starts again',
    UpdateTrail: 'cloudtrail-status ensureLogging: log file validation on (nothing else is changed)',
    LookupEvents: 'export-cloudtrail-events: the event history of the window (reads only)',
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
  'kms.ts': {
    GetPublicKey: '--kms-key-id: the public key recorded in the genesis',
    Sign: '--kms-key-id: signs each journal entry',
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
  's3-versions.ts': {
    ListObjectVersions: 's3-legal-holds: one page in the plan, then every version, streamed',
    GetObjectLegalHold: 's3-legal-holds: skip versions already held on a re-run',
    PutObjectLegalHold:
      's3-legal-holds: legal hold ON on every version (OFF only by restore --release-holds)',
    PutObject: 's3-legal-holds batch path: the manifest CSV into the evidence bucket',
  },
  's3.ts': {
    HeadBucket: 'plan: the bucket exists (user error otherwise)',
    GetPublicAccessBlock: 's3-block-public-access: before-state',
    PutPublicAccessBlock: 's3-block-public-access: all four settings on',
    DeletePublicAccessBlock: 'restore of s3-block-public-access: the bucket had none before the run',
  },
  's3control.ts': {
    CreateJob: 's3-legal-holds batch path: one S3PutObjectLegalHold job (idempotency token)',
    DescribeJob: 's3-legal-holds batch path: the job, polled until it finishes, its failed tasks',
    ListJobs: "s3-legal-holds batch path: drp's unfinished job on the bucket, waited for instead of a second",
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
 * Removals drp may send: each undoes what drp itself did (its own SCP, its own role policy, the
 * bucket policy or public access block it changed, put back as it was), and only restore code
 * may reach them (see restore-reachability.ts). Restore adds its operations here.
 */
export const RESTORE_ONLY: ReadonlySet<string> = new Set<string>([
  'DeleteBucketPolicy',
  'DeletePublicAccessBlock',
  'DeleteRolePolicy',
  'DeletePolicy',
  'DetachPolicy',
  'DeleteConfigRule',
]);

/**
 * Ports that reach only an emulator: their clients are built with src/aws/drill.ts's
 * emulatorOptions (its endpoint, throwaway credentials; nothing from the operator's environment),
 * and only `drp drill` imports them. The seed of a drill writes an incident, delete marker
 * included, into an emulator drp itself started; the rules for real accounts do not apply.
 */
export const EMULATOR_ONLY: Record<string, string> = {
  'drill-seed.ts': "seeds drp drill's incident on the emulator",
};

/**
 * Operations that destroy customer data or evidence: objects and versions, buckets, keys, logs
 * and trails, or rules that delete or make data unreadable later. None may ever be on the list.
 */
export const NEVER: { pattern: RegExp; why: string; port?: string }[] = [
  { pattern: /^Delete\w*Object/, why: 'deletes objects, versions or their data' },
  { pattern: /^DeleteBucket$/, why: 'deletes the bucket' },
  { pattern: /^PutBucketLifecycle/, why: 'a lifecycle rule expires (deletes) objects and versions later' },
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
