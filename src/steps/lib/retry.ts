import { setTimeout as delay } from 'node:timers/promises';

export interface RetryOptions {
  attempts?: number;
  pauseMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Calls `fn` again while it fails with one of AWS's `codes`, at most `attempts` times in all. For
 * answers the SDK does not retry because only the caller can act on them: a web ACL changed since
 * it was read (WAFOptimisticLockException: `fn` reads it again), a function being updated
 * (Lambda's ResourceConflictException). Any other error, or the last attempt's, is thrown as is.
 */
export async function retryOn<T>(
  codes: readonly string[],
  fn: (attempt: number) => Promise<T>,
  { attempts = 3, pauseMs = 1_000, sleep = delay }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !(err instanceof Error) || !codes.includes(err.name)) throw err;
      await sleep(pauseMs * attempt);
    }
  }
}
