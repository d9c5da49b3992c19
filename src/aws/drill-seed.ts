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
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
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
import { emulatorOptions } from './drill.js';

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
}

const SCP = 'SERVICE_CONTROL_POLICY';
const LOG_DELIVERY = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';

export function createDrillSeedPort(endpoint: string): DrillSeedPort {
  const options = emulatorOptions(endpoint);
  const s3 = new S3Client({ ...options, forcePathStyle: true });
  const iam = new IAMClient(options);
  const org = new OrganizationsClient(options);
  const cloudtrail = new CloudTrailClient(options);
  return {
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
