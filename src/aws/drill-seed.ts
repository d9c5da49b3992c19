import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketAclCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { isNotFound } from './call.js';
import { DRILL_PARTITION, emulatorOptions } from './drill.js';

/**
 * The writes that set up `drp drill`'s incident on the emulator (src/drill/seed.ts). Nothing in
 * drp's containment uses this port; its clients reach only the emulator (src/aws/drill.ts).
 */
export interface DrillSeedPort {
  createBucket(bucket: string): Promise<void>;
  enableVersioning(bucket: string): Promise<void>;
  putBucketPolicy(bucket: string, policy: string): Promise<void>;
  /** Lets S3's log delivery group write server access logs into the bucket. */
  allowLogDelivery(bucket: string): Promise<void>;
  putBucketLogging(bucket: string, targetBucket: string, targetPrefix: string): Promise<void>;
  putObject(bucket: string, key: string, body: string | Buffer, contentType: string): Promise<void>;
  /** A delete marker on top of the current version (no version id): every version stays. */
  putDeleteMarker(bucket: string, key: string): Promise<void>;
  createUser(user: string): Promise<void>;
  /** The new key's id; its secret is never kept. */
  createAccessKey(user: string): Promise<string>;
  putUserPolicy(user: string, policyName: string, document: string): Promise<void>;
  createRole(role: string, path: string, trustPolicy: string): Promise<void>;
  putRolePolicy(role: string, policyName: string, document: string): Promise<void>;
  /** The organization's root id, with SCPs enabled on it; an existing organization is reused. */
  organizationWithScps(): Promise<string>;
  createTrail(trail: string, bucket: string): Promise<void>;
  startLogging(trail: string): Promise<void>;
  /** A member account of the organization (the emulator chooses its id). */
  createAccount(name: string): Promise<string>;
  /**
   * This port acting in another account, and the credentials it acts with: moto separates accounts
   * by the credentials of an assumed role (AssumeRole into arn:aws:iam::ACCOUNT:role/x acts there).
   */
  inAccount(account: string): Promise<{ port: DrillSeedPort; credentials: EmulatorCredentials }>;
}

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const SCP = 'SERVICE_CONTROL_POLICY';
const LOG_DELIVERY = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';

/** `credentials`: another account's, from inAccount; default the drill's throwaway identity. */
export function createDrillSeedPort(endpoint: string, credentials?: EmulatorCredentials): DrillSeedPort {
  const options = emulatorOptions(endpoint);
  const as = { credentials: credentials ?? options.credentials };
  const s3 = new S3Client({ ...options, ...as, forcePathStyle: true });
  const iam = new IAMClient({ ...options, ...as });
  const org = new OrganizationsClient({ ...options, ...as });
  const cloudtrail = new CloudTrailClient({ ...options, ...as });
  const sts = new STSClient({ ...options, ...as });
  return {
    async createAccount(name) {
      const out = await org.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}@drill.example` }),
      );
      const id = out.CreateAccountStatus?.AccountId;
      if (!id) throw new Error('Organizations.CreateAccount returned no account id');
      return id;
    },
    async inAccount(account) {
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:${DRILL_PARTITION}:iam::${account}:role/drill-seed`,
          RoleSessionName: 'drill-seed',
        }),
      );
      const assumed = {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        ...(c?.SessionToken ? { sessionToken: c.SessionToken } : {}),
      };
      return { port: createDrillSeedPort(endpoint, assumed), credentials: assumed };
    },
    async createBucket(bucket) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async enableVersioning(bucket) {
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    },
    async putBucketPolicy(bucket, policy) {
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    },
    async allowLogDelivery(bucket) {
      await s3.send(
        new PutBucketAclCommand({ Bucket: bucket, GrantWrite: LOG_DELIVERY, GrantReadACP: LOG_DELIVERY }),
      );
    },
    async putBucketLogging(bucket, targetBucket, targetPrefix) {
      await s3.send(
        new PutBucketLoggingCommand({
          Bucket: bucket,
          BucketLoggingStatus: { LoggingEnabled: { TargetBucket: targetBucket, TargetPrefix: targetPrefix } },
        }),
      );
    },
    async putObject(bucket, key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async putDeleteMarker(bucket, key) {
      // Without a VersionId, S3 deletes nothing on a versioned bucket: it adds a delete marker,
      // as a "deleted" object in a real leak has. The seeded bucket is the drill's own.
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async createUser(user) {
      await iam.send(new CreateUserCommand({ UserName: user }));
    },
    async createAccessKey(user) {
      const out = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
      return out.AccessKey?.AccessKeyId ?? '';
    },
    async putUserPolicy(user, policyName, document) {
      await iam.send(
        new PutUserPolicyCommand({ UserName: user, PolicyName: policyName, PolicyDocument: document }),
      );
    },
    async createRole(role, path, trustPolicy) {
      await iam.send(
        new CreateRoleCommand({ RoleName: role, Path: path, AssumeRolePolicyDocument: trustPolicy }),
      );
    },
    async putRolePolicy(role, policyName, document) {
      await iam.send(
        new PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: document }),
      );
    },
    async organizationWithScps() {
      try {
        await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      } catch (err) {
        // An emulator kept from an earlier drill (--keep) already has one.
        if (!isNotFound(err, 'AlreadyInOrganizationException')) throw err;
      }
      const root = (await org.send(new ListRootsCommand({}))).Roots?.[0];
      if (!root?.Id) throw new Error('Organizations.ListRoots returned no root');
      if (!root.PolicyTypes?.some((t) => t.Type === SCP && t.Status === 'ENABLED'))
        await org.send(new EnablePolicyTypeCommand({ RootId: root.Id, PolicyType: SCP }));
      return root.Id;
    },
    async createTrail(trail, bucket) {
      await cloudtrail.send(
        new CreateTrailCommand({
          Name: trail,
          S3BucketName: bucket,
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          EnableLogFileValidation: true,
        }),
      );
    },
    async startLogging(trail) {
      await cloudtrail.send(new StartLoggingCommand({ Name: trail }));
    },
  };
}
