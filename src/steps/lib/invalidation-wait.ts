import { setTimeout as delay } from 'node:timers/promises';
import type { StepContext } from '../define.js';

export interface Pending {
  distributionId: string;
  invalidationId: string;
}

export interface WaitOptions {
  /** Stop waiting after this long: the invalidations go on at CloudFront. */
  timeoutSeconds: number;
  intervalMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Polls each invalidation until CloudFront says Completed (it usually takes seconds to a few
 * minutes), with progress, up to the timeout. Returns each one's last status.
 */
export async function waitForInvalidations(
  ctx: StepContext,
  pending: readonly Pending[],
  { timeoutSeconds, intervalMs = 10_000, sleep = delay }: WaitOptions,
): Promise<Map<string, string>> {
  const status = new Map<string, string>();
  if (pending.length === 0 || timeoutSeconds <= 0) return status;
  // Counted in pauses rather than read from a clock: the wait is bounded whatever the clock does.
  let pauses = Math.floor((timeoutSeconds * 1000) / intervalMs);
  const bar = ctx.progress.start('CloudFront invalidations completed', pending.length);
  let left = [...pending];
  try {
    while (left.length) {
      const still: Pending[] = [];
      for (const p of left) {
        const { status: s } = await ctx.aws.cloudfront.getInvalidation(p.distributionId, p.invalidationId);
        status.set(p.invalidationId, s);
        // AWS answers InProgress or Completed (an emulator may say COMPLETED).
        if (/^completed$/i.test(s)) bar.tick();
        else still.push(p);
      }
      left = still;
      if (!left.length || pauses-- <= 0) break;
      await sleep(intervalMs);
    }
  } finally {
    bar.done();
  }
  return status;
}
