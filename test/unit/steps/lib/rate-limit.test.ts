import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rateLimiter, type Clock } from '../../../../src/steps/lib/rate-limit.js';

// vitest's fake timers drive both the clock and the sleeps: no real time passes.
const fakeClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The most starts found in any window [t, t + 1000) ms. */
function busiestSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** Fires `arrivals` (ms offsets) at the limiter and records when each caller was let through. */
async function startsOf(perSecond: number, arrivals: number[]): Promise<number[]> {
  const acquire = rateLimiter(perSecond, fakeClock);
  const t0 = Date.now();
  const starts: number[] = [];
  const done = arrivals.map(
    (at) =>
      new Promise<void>((resolve) =>
        setTimeout(async () => {
          await acquire();
          starts.push(Date.now() - t0);
          resolve();
        }, at),
      ),
  );
  await vi.runAllTimersAsync();
  await Promise.all(done);
  return starts;
}

describe('rate limiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T03:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets 50 simultaneous callers through at 10 per second: never more in any one-second window, and no slower', async () => {
    const starts = await startsOf(
      10,
      Array.from({ length: 50 }, () => 0),
    );
    expect(starts).toHaveLength(50);
    expect(busiestSecond(starts)).toBe(10);
    expect(Math.max(...starts)).toBe(4900);
  });

  it('spaces a rate that does not divide a second (3/s) without ever fitting 4 starts in a second', async () => {
    const starts = await startsOf(
      3,
      Array.from({ length: 30 }, () => 0),
    );
    expect(busiestSecond(starts)).toBe(3);
    expect(starts.slice(0, 4)).toEqual([0, 334, 667, 1000]);
  });

  it('does not bank idle time: a burst after a pause is still spaced', async () => {
    const starts = await startsOf(5, [0, 0, 5000, 5000, 5000, 5000, 5000, 5000, 5000]);
    expect(busiestSecond(starts)).toBe(5);
    expect(starts.filter((s) => s >= 5000)).toEqual([5000, 5200, 5400, 5600, 5800, 6000, 6200]);
  });

  it('never exceeds the rate in any one-second window, whatever the rate and arrival pattern', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 150 }),
        async (perSecond, arrivals) => {
          const starts = await startsOf(perSecond, arrivals);
          expect(starts).toHaveLength(arrivals.length);
          expect(busiestSecond(starts)).toBeLessThanOrEqual(perSecond);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a rate that is not positive', () => {
    expect(() => rateLimiter(0)).toThrow(/positive/);
  });
});
