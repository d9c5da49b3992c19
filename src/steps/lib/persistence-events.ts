/**
 * CloudTrail management events by which an attacker keeps or widens access: a credential on another
 * identity, a new identity, a trust or a resource policy opened, a session minted. Each one found
 * in a contained identity's events is a finding, with the drp command that would contain what it
 * touched. drp never acts on a finding by itself.
 */

export type SubjectKind = 'user' | 'role' | 'bucket' | 'function' | 'policy' | 'group' | 'resource';

export interface Subject {
  kind: SubjectKind;
  name: string;
}

type Params = Record<string, unknown>;

interface EventRule {
  source: string;
  /** Event names; Lambda's carry an API version suffix (AddPermission20150331v2), matched without it. */
  names: readonly string[];
  /** Why it is persistence, for the finding and docs/identity.md. */
  why: string;
  subject(request: Params, event: CloudTrailRecord): Subject | undefined;
}

export interface CloudTrailRecord {
  eventID?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  errorCode?: string;
  recipientAccountId?: string;
  userIdentity?: { type?: string; arn?: string; userName?: string; accessKeyId?: string };
  requestParameters?: Params | null;
  responseElements?: Params | null;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const of = (kind: SubjectKind, name: unknown): Subject | undefined => {
  const n = str(name);
  return n ? { kind, name: n } : undefined;
};
/** The last path segment of an ARN or a name: role/path/NAME -> NAME. */
const lastOf = (arn: unknown) => str(arn)?.split('/').pop();

/** A user event without userName acts on the caller itself. */
const userOf = (r: Params, e: CloudTrailRecord) => of('user', r.userName ?? e.userIdentity?.userName);

const IAM = 'iam.amazonaws.com';
const STS = 'sts.amazonaws.com';
const S3 = 's3.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';

export const PERSISTENCE_EVENTS: readonly EventRule[] = [
  {
    source: IAM,
    names: ['CreateAccessKey', 'UpdateAccessKey'],
    why: 'an access key made (or made active again)',
    subject: userOf,
  },
  {
    source: IAM,
    names: ['CreateLoginProfile', 'UpdateLoginProfile'],
    why: 'a console password set',
    subject: userOf,
  },
  {
    source: IAM,
    names: ['UploadSSHPublicKey', 'UploadSigningCertificate', 'CreateServiceSpecificCredential'],
    why: 'another credential of a user',
    subject: userOf,
  },
  {
    source: IAM,
    names: ['EnableMFADevice', 'CreateVirtualMFADevice', 'DeactivateMFADevice', 'ResyncMFADevice'],
    why: "a user's MFA changed (the attacker's device, or the owner's removed)",
    subject: userOf,
  },
  { source: IAM, names: ['CreateUser'], why: 'a new IAM user', subject: userOf },
  {
    source: IAM,
    names: [
      'AttachUserPolicy',
      'PutUserPolicy',
      'DeleteUserPermissionsBoundary',
      'PutUserPermissionsBoundary',
    ],
    why: "a user's permissions widened",
    subject: userOf,
  },
  {
    source: IAM,
    names: ['AddUserToGroup'],
    why: 'a user put in a group (its policies apply)',
    subject: userOf,
  },
  {
    source: IAM,
    names: ['AttachGroupPolicy', 'PutGroupPolicy'],
    why: "a group's permissions widened (every member's)",
    subject: (r) => of('group', r.groupName),
  },
  {
    source: IAM,
    names: ['CreateRole', 'UpdateAssumeRolePolicy'],
    why: 'a role made, or its trust opened (who may assume it)',
    subject: (r) => of('role', r.roleName),
  },
  {
    source: IAM,
    names: [
      'AttachRolePolicy',
      'PutRolePolicy',
      'DeleteRolePermissionsBoundary',
      'PutRolePermissionsBoundary',
      'UpdateRole',
      'AddRoleToInstanceProfile',
    ],
    why: "a role's permissions widened, or given to instances",
    subject: (r) => of('role', r.roleName),
  },
  {
    source: IAM,
    names: ['CreatePolicyVersion', 'SetDefaultPolicyVersion'],
    why: "a managed policy's permissions changed (everyone it is attached to)",
    subject: (r) => of('policy', r.policyArn),
  },
  {
    source: IAM,
    names: ['CreateOpenIDConnectProvider', 'CreateSAMLProvider', 'UpdateSAMLProvider'],
    why: 'a new identity provider: a way in for federated principals',
    subject: (r, e) => of('resource', r.name ?? r.url ?? r.sAMLProviderArn ?? e.eventName),
  },
  {
    source: STS,
    names: ['AssumeRole'],
    why: 'a role session minted (its permissions are the role’s; it lasts up to 12 hours)',
    subject: (r) => of('role', lastOf(r.roleArn)),
  },
  {
    source: STS,
    names: ['GetSessionToken', 'GetFederationToken'],
    why: 'a session token minted (up to 36 hours; the deny-all on the user stops it)',
    subject: (_r, e) => of('user', e.userIdentity?.userName),
  },
  {
    source: S3,
    names: [
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketAcl',
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutBucketReplication',
    ],
    why: "a bucket's access widened (policy, ACL, Block Public Access) or its objects copied elsewhere",
    subject: (r) => of('bucket', r.bucketName),
  },
  {
    source: LAMBDA,
    names: ['AddPermission', 'CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig'],
    why: 'a function opened to other principals, or to the internet by a function URL',
    subject: (r) => of('function', r.functionName),
  },
  {
    source: LAMBDA,
    names: ['CreateFunction', 'UpdateFunctionCode', 'UpdateFunctionConfiguration'],
    why: 'code that runs with a role: a function made or changed',
    subject: (r) => of('function', r.functionName),
  },
  {
    source: 'kms.amazonaws.com',
    names: ['PutKeyPolicy', 'CreateGrant'],
    why: 'a KMS key opened to another principal',
    subject: (r) => of('resource', r.keyId),
  },
  {
    source: 'secretsmanager.amazonaws.com',
    names: ['PutResourcePolicy'],
    why: 'a secret opened to another principal',
    subject: (r) => of('resource', r.secretId),
  },
  {
    source: 'ec2.amazonaws.com',
    names: ['ModifySnapshotAttribute', 'ModifyImageAttribute', 'ImportKeyPair', 'CreateKeyPair'],
    why: 'a snapshot or image shared, or an SSH key pair for instances',
    subject: (r) => of('resource', r.snapshotId ?? r.imageId ?? r.keyName),
  },
  {
    source: 'sso.amazonaws.com',
    names: [
      'CreateAccountAssignment',
      'PutInlinePolicyToPermissionSet',
      'AttachManagedPolicyToPermissionSet',
    ],
    why: 'IAM Identity Center access granted or widened',
    subject: (r) => of('resource', r.permissionSetArn ?? r.principalId),
  },
];

/** Lambda's event names carry the API version: AddPermission20150331v2 is AddPermission. */
export const baseEventName = (name: string) => name.replace(/\d{8}(v\d+)?$/, '');

/** The rule an event matches, or undefined when it is not a persistence event. */
export function ruleFor(event: CloudTrailRecord): EventRule | undefined {
  const name = baseEventName(event.eventName ?? '');
  return PERSISTENCE_EVENTS.find((r) => r.source === event.eventSource && r.names.includes(name));
}
