import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentials, AwsSettings } from './config.js';

/**
 * AWS access for worker threads (src/steps/lib/worker-pool.ts): each worker makes its own S3
 * client, since an SDK client cannot cross threads, from the main thread's settings and
 * credentials. The main thread keeps the one credential chain (profile, SSO, role, IMDS): workers
 * never resolve credentials themselves, so a profile that assumes a role does it once, not once
 * per core, and every worker acts as the same identity as the main thread.
 */

/** Plain, cloneable settings a worker's client is made from (no logger, no secret). */
export interface WorkerAwsSettings {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Calls in flight in this worker: its socket pool is sized to match. */
  concurrency?: number;
}

/** What the main thread hands a pool of workers: their clients' settings, and the credentials on request. */
export interface WorkerAccess {
  settings: WorkerAwsSettings;
  /** The main thread's current credentials, refreshed by its own chain when they near expiry. */
  credentials(): Promise<AwsCredentials>;
}

/** The worker access of a writable client made from `settings`. */
export function workerAccessOf(client: S3Client, settings: AwsSettings): WorkerAccess {
  const { region, profile, endpointUrl, concurrency } = settings;
  return {
    settings: {
      ...(region ? { region } : {}),
      ...(profile ? { profile } : {}),
      ...(endpointUrl ? { endpointUrl } : {}),
      ...(concurrency ? { concurrency } : {}),
    },
    async credentials(): Promise<AwsCredentials> {
      const c = await client.config.credentials();
      // Only the fields a client signs with: the SDK's object may carry provider internals.
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
        ...(c.expiration ? { expiration: c.expiration } : {}),
        ...(c.accountId ? { accountId: c.accountId } : {}),
      };
    },
  };
}
