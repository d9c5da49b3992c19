import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { callOf, isNotFound, type Call } from './call.js';
import {
  clientOptions,
  instrument,
  usesCustomS3Endpoint,
  type AwsCredentials,
  type AwsSettings,
} from './config.js';
import { createS3ObjectsPort, type S3ObjectsPort } from './s3-objects.js';
import { createS3RangesPort, type S3RangesPort } from './s3-ranges.js';
import { createS3BucketConfigPort, type S3BucketConfigPort } from './s3-bucket-config.js';
import { createS3VersionsPort, type S3VersionsPort } from './s3-versions.js';
import { createEvidencePort, type EvidencePort } from './s3-evidence.js';
import { createS3LifecyclePort, type S3LifecyclePort } from './s3-lifecycle.js';
import { createS3StreamPort, type S3StreamPort } from './s3-stream.js';
import { workerAccessOf, type WorkerAccess, type WorkerAwsSettings } from './worker-clients.js';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface S3Port
  extends
    S3ObjectsPort,
    S3RangesPort,
    S3BucketConfigPort,
    S3VersionsPort,
    EvidencePort,
    S3LifecyclePort,
    S3StreamPort {
  /** false when the bucket does not exist; throws on any other error (403: it exists, not ours to see). */
  bucketExists(bucket: string): Promise<boolean>;
  /**
   * The bucket's region, or undefined when there is no such bucket. S3 names it in HeadBucket's
   * x-amz-bucket-region header on any bucket, in any region of the partition, whatever the
   * caller's permissions: on a 200, and on the 301 (wrong region), 400 and 403 answers too.
   */
  bucketRegion(bucket: string): Promise<string | undefined>;
  /** undefined: no Block Public Access configuration is set on the bucket. */
  getPublicAccessBlock(bucket: string): Promise<PublicAccessBlock | undefined>;
  putPublicAccessBlock(bucket: string, config: PublicAccessBlock): Promise<Call>;
  /** Only `drp restore` calls it: to put back a bucket that had no Block Public Access configuration. */
  deletePublicAccessBlock(bucket: string): Promise<Call>;
  /**
   * What worker threads need to make clients like this one (src/steps/lib/worker-pool.ts), or
   * undefined for a read-only client (a plan, a dry-run, preflight): those never start workers.
   */
  workerAccess(): WorkerAccess | undefined;
}

/**
 * followRegionRedirects: a bucket drp did not look up the region of (a trail's log bucket, an
 * evidence bucket made elsewhere) answers a request in the wrong region with a 301 naming its own
 * (x-amz-bucket-region); the SDK then repeats the request there instead of failing.
 */
export function createS3Client(settings: AwsSettings, readOnly: boolean): S3Client {
  return instrument(
    new S3Client({
      ...clientOptions(settings),
      forcePathStyle: usesCustomS3Endpoint(settings),
      followRegionRedirects: true,
    }),
    readOnly,
  );
}

const toBlock = (c: PublicAccessBlockConfiguration): PublicAccessBlock => ({
  BlockPublicAcls: c.BlockPublicAcls ?? false,
  IgnorePublicAcls: c.IgnorePublicAcls ?? false,
  BlockPublicPolicy: c.BlockPublicPolicy ?? false,
  RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
});

/** A worker thread's own port: its client signs with the credentials the main thread hands it. */
export function createWorkerS3Port(
  settings: WorkerAwsSettings,
  credentials: () => Promise<AwsCredentials>,
): S3Port {
  return createS3Port(createS3Client({ ...settings, credentials }, false));
}

/**
 * `writableSettings`: what the client was made from, when it may write; its workers' clients are
 * made from the same (no settings: no workers, e.g. a read-only client).
 */
export function createS3Port(client: S3Client, writableSettings?: AwsSettings): S3Port {
  return {
    ...createS3ObjectsPort(client),
    ...createS3RangesPort(client),
    ...createS3BucketConfigPort(client),
    ...createS3VersionsPort(client),
    ...createS3StreamPort(client),

    async bucketExists(bucket) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (err) {
        if (isNotFound(err, 'NotFound', 'NoSuchBucket')) return false;
        throw err;
      }
    },

    async bucketRegion(bucket) {
      try {
        const out = await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return out.BucketRegion;
      } catch (err) {
        const named = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
          'x-amz-bucket-region'
        ];
        if (named) return named;
        if (isNotFound(err, 'NotFound', 'NoSuchBucket')) return undefined;
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

    workerAccess: () => (writableSettings ? workerAccessOf(client, writableSettings) : undefined),
  };
}
