import { defineRestore } from './define.js';
import { applyRelease, planRelease } from './lib/legal-holds-release.js';
import type { Observed } from './s3-legal-holds.js';

/**
 * Legal holds are evidence: they stay unless --release-holds, which sets OFF exactly the holds drp
 * placed, read from the run's legal-hold manifest after checking its SHA-256 against the journal.
 * A batch job's holds stay (drp keeps no per-version record of them).
 */
export default defineRestore<unknown, Observed>({
  permissions: ['s3:PutObjectLegalHold'],

  async plan(_ctx, recorded, options) {
    const { bucket, objectLock } = recorded.plan.observed;
    const { changes, kept } = await planRelease(recorded, bucket, objectLock?.enabled === true, options);
    return {
      observed: { bucket },
      before: { legalHolds: 'none on the versions drp held' },
      changes,
      drift: [],
      kept,
    };
  },

  async apply(ctx, recorded, plan) {
    const { bucket, objectLock } = recorded.plan.observed;
    return applyRelease(ctx, recorded, bucket, objectLock?.enabled === true, plan.changes[0]?.count ?? 0);
  },
});
