import type { S3Port } from '../../aws/s3.js';
import { UserError } from '../../errors.js';

/** A bucket a step acts on must exist and be this account's to see: else it is the operator's to fix, exit 2 before any change. */
export async function requireBucket(s3: Pick<S3Port, 'bucketExists'>, bucket: string): Promise<void> {
  if (!(await s3.bucketExists(bucket)))
    throw new UserError(`bucket "${bucket}" does not exist (or is in another account)`);
}
