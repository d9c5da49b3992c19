/**
 * Every AWS operation drp can send, per port file under src/aws/, each with why. The test beside
 * this file reads what each port imports from @aws-sdk/* and fails on any operation not listed
 * here (or listed and no longer used): a new AWS call is a reviewed change to this file.
 *
 * When a branch adds operations (restore, evidence preservation), add them here with a reason;
 * removals that undo what drp did also go in RESTORE_ONLY below.
 */
export const AWS_OPERATIONS: Record<string, Record<string, string>> = {
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
    GetObjectLockConfiguration: 's3-snapshot-config and s3-object-lock: before-state',
    PutBucketPolicy: 's3-deny-policy: the policy with drp deny added, every other statement kept',
    PutBucketVersioning: 's3-object-lock: Enabled (never Suspended), Object Lock needs it',
    PutObjectLockConfiguration: 's3-object-lock: GOVERNANCE default retention, never weakened',
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
  's3-versions.ts': {
    ListObjectVersions: 's3-object-lock: every version, streamed',
    GetObjectLegalHold: 's3-object-lock: skip versions already held on a re-run',
    PutObjectLegalHold: 's3-object-lock: legal hold ON on every version',
    PutObject: 's3-object-lock batch path: the manifest CSV into the evidence bucket',
  },
  's3.ts': {
    HeadBucket: 'plan: the bucket exists (user error otherwise)',
    GetPublicAccessBlock: 's3-block-public-access: before-state',
    PutPublicAccessBlock: 's3-block-public-access: all four settings on',
  },
  's3control.ts': {
    CreateJob: 's3-object-lock batch path: one S3PutObjectLegalHold job (idempotency token)',
    DescribeJob: 's3-object-lock batch path: the job created',
    ListJobs: "s3-object-lock batch path: this incident's job, if created before",
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
export const RESTORE_ONLY: ReadonlySet<string> = new Set<string>([]);

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
