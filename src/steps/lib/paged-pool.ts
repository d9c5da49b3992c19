import pLimit from 'p-limit';

/**
 * Runs `work` on every item of a paged source (ListObjectVersions) with at most `concurrency`
 * calls in flight, across page boundaries: the next page is fetched as soon as the queue has
 * drained to `highWater` items, while the running calls go on, so workers never idle waiting
 * for a page to finish and at most about `highWater` + one page of items is held in memory.
 *
 * Stops at the first failure of `work`: queued items are skipped, running ones finish, then the
 * failure is thrown. A failure of the listing itself is thrown after the queued work is done.
 */
export async function forEachPaged<T>(
  pages: AsyncIterable<readonly T[]>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  highWater = Math.max(1000, concurrency * 8),
): Promise<void> {
  const limit = pLimit(concurrency);
  let failure: { error: unknown } | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;

  const run = async (item: T) => {
    if (failure) return;
    try {
      await work(item);
    } catch (error) {
      failure ??= { error };
    }
  };
  const settled = () => {
    inFlight--;
    wake?.();
  };
  // Only this function's own loop waits, so one waiter slot is enough.
  const until = async (ready: () => boolean) => {
    while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  };

  try {
    for await (const page of pages) {
      for (const item of page) {
        inFlight++;
        void limit(run, item).finally(settled);
      }
      await until(() => failure !== undefined || limit.pendingCount <= highWater);
      if (failure) break;
    }
  } finally {
    await until(() => inFlight === 0);
  }
  if (failure) throw failure.error;
}
