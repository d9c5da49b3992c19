import type { AwsCredentials } from '../../aws/config.js';
import type { PortableError } from './portable-error.js';

/**
 * The messages between the main thread's pool (worker-pool.ts) and each worker thread
 * (worker-serve.ts). Items and outcomes are plain data (structured clone); an item is known by the
 * id the main thread gave it, so it can say which items a dead worker had.
 */

/** workerData: what a worker starts from. */
export interface WorkerStart {
  /** What the work needs (bucket, flags, settings of its AWS client): plain data, no secret. */
  setup: unknown;
  /** Calls this worker runs at once. */
  concurrency: number;
  /** The main thread's credentials at start; the worker asks again before they expire. */
  credentials?: AwsCredentials;
}

export type ToWorker =
  | { type: 'work'; items: { id: number; item: unknown }[] }
  /** Drop the queued items (answered with `skipped`); the running ones finish and are answered. */
  | { type: 'stop' }
  | { type: 'credentials'; seq: number; credentials?: AwsCredentials; error?: PortableError };

/** One item's answer: its outcome, or the error its work threw (a bug: work functions return outcomes). */
export type Answer = { id: number; outcome: unknown } | { id: number; error: PortableError };

export type FromWorker =
  /** Every answer of one turn of the worker's event loop, in the order the work finished. */
  | { type: 'answers'; answers: Answer[] }
  | { type: 'skipped'; ids: number[] }
  | { type: 'credentials'; seq: number };
