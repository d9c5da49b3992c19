import pLimit from 'p-limit';
import { interruptedBy } from '../../errors.js';

export interface PagedOptions {
  /** Fetch the next page once the queue has drained to this many items (default max(1000, 8 x concurrency)). */
  highWater?: number;
  /**
   * The run's interrupt (Ctrl-C): once aborted, queued items are skipped and no page is fetched,
   * the running calls finish (their results are recorded by `work`), then Interrupted is thrown.
   */
  signal?: AbortSignal;
}

/**
 * Runs `work` on every item of a paged source (ListObjectVersions) with at most `concurrency`
 * calls in flight, across page boundaries: the next page is fetched as soon as the queue has
 * drained to `highWater` items, while the running calls go on, so workers never idle waiting
 * for a page to finish and at most about `highWater` + one page of items is held in memory.
 *
 * Stops at the first failure of `work`: queued items are skipped, running ones finish, then the
 * failure is thrown. A failure of the listing itself is thrown after the queued work is done.
 * An aborted `signal` stops it the same way, with the signal's Interrupted as the failure.
 */
export async function forEachPaged<T>(
  pages: AsyncIterable<readonly T[]>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  options: PagedOptions = {},
): Promise<void> {
  const { signal } = options;
  const highWater = options.highWater ?? Math.max(1000, concurrency * 8);
  const limit = pLimit(concurrency);
  let failure: { error: unknown; interrupt?: boolean } | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  // An interrupt that left nothing undone (it came during the last calls) is no interruption.
  let skipped = 0;
  let exhausted: boolean;
  const onAbort = () => {
    failure ??= { error: interruptedBy(signal!), interrupt: true };
    wake?.();
  };

  const run = async (item: T) => {
    if (failure) return void skipped++;
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

  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const page of pages) {
      if (failure) break;
      for (const item of page) {
        inFlight++;
        void limit(run, item).finally(settled);
      }
      await until(() => failure !== undefined || limit.pendingCount <= highWater);
      if (failure) break;
    }
    exhausted = !failure;
  } finally {
    await until(() => inFlight === 0);
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure?.interrupt && exhausted && skipped === 0) return;
  if (failure) throw failure.error;
}
