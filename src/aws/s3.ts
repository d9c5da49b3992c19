import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, usesCustomS3Endpoint, type AwsSettings } from './config.js';
import { createS3ObjectsPort, type S3ObjectsPort } from './s3-objects.js';
import { createS3RangesPort, type S3RangesPort } from './s3-ranges.js';
import { createS3BucketConfigPort, type S3BucketConfigPort } from './s3-bucket-config.js';
import { createS3VersionsPort, type S3VersionsPort } from './s3-versions.js';
import { createEvidencePort, type EvidencePort } from './s3-evidence.js';
import { createS3LifecyclePort, type S3LifecyclePort } from './s3-lifecycle.js';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface S3Port
  extends S3ObjectsPort, S3RangesPort, S3BucketConfigPort, S3VersionsPort, EvidencePort, S3LifecyclePort {
  /** false when the bucket does not exist; throws on any other error (403: it exists, not ours to see). */
  bucketExists(bucket: string): Promise<boolean>;
  /** undefined: no Block Public Access configuration is set on the bucket. */
  getPublicAccessBlock(bucket: string): Promise<PublicAccessBlock | undefined>;
  putPublicAccessBlock(bucket: string, config: PublicAccessBlock): Promise<Call>;
  /** Only `drp restore` calls it: to put back a bucket that had no Block Public Access configuration. */
  deletePublicAccessBlock(bucket: string): Promise<Call>;
}

export function createS3Client(settings: AwsSettings, readOnly: boolean): S3Client {
  return instrument(
    new S3Client({ ...clientOptions(settings), forcePathStyle: usesCustomS3Endpoint(settings) }),
    readOnly,
  );
}

const toBlock = (c: PublicAccessBlockConfiguration): PublicAccessBlock => ({
  BlockPublicAcls: c.BlockPublicAcls ?? false,
  IgnorePublicAcls: c.IgnorePublicAcls ?? false,
  BlockPublicPolicy: c.BlockPublicPolicy ?? false,
  RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
});

export function createS3Port(client: S3Client): S3Port {
  return {
    ...createS3ObjectsPort(client),
    ...createS3RangesPort(client),
    ...createS3BucketConfigPort(client),
    ...createS3VersionsPort(client),

    async bucketExists(bucket) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (err) {
        if (isNotFound(err, 'NotFound', 'NoSuchBucket')) return false;
        throw err;
      }
    },

    async getPublicAccessBlock(bucket) {
      try {
        const out = await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
        return out.PublicAccessBlockConfiguration ? toBlock(out.PublicAccessBlockConfiguration) : undefined;
      } catch (err) {
        if (isNotFound(err, 'NoSuchPublicAccessBlockConfiguration')) return undefined;
        throw err;
      }
    },

    async putPublicAccessBlock(bucket, config) {
      return callOf(
        await client.send(
          new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: config }),
        ),
      );
    },

    // Restores a prior "none set" state; it removes a configuration drp put, nothing else.
    async deletePublicAccessBlock(bucket) {
      return callOf(await client.send(new DeletePublicAccessBlockCommand({ Bucket: bucket })));
    },

    ...createEvidencePort(client),
    ...createS3LifecyclePort(client),
  };
}
