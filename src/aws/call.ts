import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** What a mutating port method returns: the request id AWS gave the call, for the journal. */
export interface Call {
  requestId?: string;
}

export const callOf = (output: { $metadata?: { requestId?: string } }): Call =>
  output.$metadata?.requestId ? { requestId: output.$metadata.requestId } : {};

/** AWS's "there is none" answers, which ports turn into `undefined`. */
export function isNotFound(err: unknown, ...codes: string[]): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return codes.includes(err.name) || (codes.length === 0 && status === 404);
}

const TRANSIENT_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'SlowDown',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const TRANSIENT_NETWORK = /ECONNRESET|EPIPE|ETIMEDOUT|ECONNREFUSED|socket hang up/;

/** What the SDK's own retry strategy retries: throttling, a 5xx, a dropped connection. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    status >= 500 ||
    status === 429 ||
    TRANSIENT_CODES.has(e.name) ||
    TRANSIENT_NETWORK.test(`${e.code ?? ''} ${e.message}`)
  );
}

/**
 * Sends an upload whose body is a file stream, retrying transient failures. The SDK retries every
 * other call itself, but not a request with a stream body (the failed attempt consumed it), so a
 * single throttled PutObject of a journal or manifest would fail the upload. Each attempt here
 * opens a fresh stream (a file again, or another GetObject of the source); the pauses grow as the
 * SDK's do.
 */
export async function sendWithFreshStream<T>(
  send: (body: Readable) => Promise<T>,
  open: () => Readable | Promise<Readable>,
  attempts = 8,
  pause = (attempt: number) => delay(Math.min(20_000, 100 * 2 ** attempt * (0.5 + Math.random()))),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const body = await open();
    try {
      return await send(body);
    } catch (err) {
      body.destroy();
      if (attempt >= attempts || !isTransient(err)) throw err;
      await pause(attempt);
    }
  }
}

/** The fields of `o` that have a value: AWS leaves optional fields out, and so does the journal. */
export const present = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]?: Exclude<T[K], undefined | null>;
  };
