import type { S3VersionsPort, VersionEntry } from '../../aws/s3-versions.js';
import { failedWith, type Failed } from './portable-error.js';

/**
 * One version's legal hold, the unit of work s3-legal-holds spreads over worker threads. Kept
 * apart from legal-holds.ts (the listing, the manifest, the step's contract) so that a worker's
 * bundle holds this and the S3 client, nothing more.
 */

/** What became of one listed entry. */
export type VersionOutcome =
  | { entry: VersionEntry; result: 'delete-marker' }
  | { entry: VersionEntry; result: 'held'; requestId?: string }
  | { entry: VersionEntry; result: 'already-held' }
  /** Deleted between the listing and the hold (lifecycle expiry, or someone still writing): evidence too. */
  | { entry: VersionEntry; result: 'vanished'; code: string }
  | ({ entry: VersionEntry } & Failed);

/** S3's answers for a version or key that no longer exists. */
const VANISHED = new Set(['NoSuchVersion', 'NoSuchKey']);

/**
 * One entry's work: a delete marker is recorded (it cannot hold one); with `checkHolds` (Object
 * Lock was on before the run) a version already held is left as it is; any other version gets a
 * legal hold ON. Never throws: what happened is the outcome, plain data a worker can post.
 */
export async function holdVersion(
  s3: Pick<S3VersionsPort, 'getObjectLegalHold' | 'putObjectLegalHold'>,
  bucket: string,
  entry: VersionEntry,
  checkHolds: boolean,
): Promise<VersionOutcome> {
  if (entry.isDeleteMarker) return { entry, result: 'delete-marker' };
  try {
    if (checkHolds && (await s3.getObjectLegalHold(bucket, entry.key, entry.versionId)))
      return { entry, result: 'already-held' };
    const call = await s3.putObjectLegalHold(bucket, entry.key, entry.versionId);
    return { entry, result: 'held', ...(call.requestId ? { requestId: call.requestId } : {}) };
  } catch (err) {
    const failed = failedWith(err);
    if (VANISHED.has(failed.code)) return { entry, result: 'vanished', code: failed.code };
    return { entry, ...failed };
  }
}
