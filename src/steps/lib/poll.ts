import { setTimeout as delay } from 'node:timers/promises';

/**
 * Reads a status until it is final or the time is up: for AWS work that finishes later (a table
 * export, a function's update, an investigation). Bounded, so a run never hangs on a job AWS
 * keeps running; the caller says what to do with one still running.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  final: (value: T) => boolean,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<{ value: T; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (final(value)) return { value, timedOut: false };
    if (Date.now() + intervalMs >= deadline) return { value, timedOut: true };
    await delay(intervalMs);
  }
}
