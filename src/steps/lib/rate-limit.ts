/** Time, injectable so a test can prove the limit on a fake clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Monotonic and sub-millisecond: a wall-clock step or whole-millisecond rounding cannot squeeze a window. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A fixed-interval limiter: the n-th caller of a busy period may start n/perSecond seconds after
 * its first, so any one-second window holds at most `perSecond` starts. A token bucket would
 * allow a burst of its capacity on top of the refill (up to twice the quota in one second), which
 * is exactly what Rekognition's per-second quota throttles. Slots are reserved synchronously, so
 * concurrent callers never share one; an idle limiter starts a new period instead of banking
 * slots for a burst. Slot offsets are whole milliseconds from the period's start (not summed
 * intervals), so rounding never brings two starts `perSecond` apart closer than one second.
 */
export function rateLimiter(perSecond: number, clock: Clock = systemClock): () => Promise<void> {
  if (!(perSecond > 0)) throw new RangeError(`rate must be positive, got ${perSecond}`);
  let periodStart = Number.NEGATIVE_INFINITY;
  let started = 0;
  return async () => {
    const now = clock.now();
    let slot = periodStart + Math.ceil((started * 1000) / perSecond);
    if (!(slot >= now)) {
      periodStart = now;
      started = 0;
      slot = now;
    }
    started += 1;
    // Timers may fire a little early against the clock: wait until the clock itself says so.
    for (let t = now; t < slot; t = clock.now()) await clock.sleep(Math.ceil(slot - t));
  };
}
