import type { S3Port } from '../../aws/s3.js';
import type { WorkerAccess, WorkerAwsSettings } from '../../aws/worker-clients.js';
import { packagePath } from '../../paths.js';
import type { StepContext } from '../define.js';
import type { CopyTarget } from './preservation/copy-one.js';

/**
 * Per-version work (a legal hold per version, a verified copy per log file) on worker threads:
 * the SDK spends about 1.4 ms of CPU per call, so one event loop caps a run well below what 32
 * calls in flight could do; where cores add speed, a worker per core lifts that cap (on the 2-core
 * VM drp is measured on they do not: bench/README.md, "Worker threads"). The listing, the manifest
 * and the journal stay in the main thread (worker-pool.ts); the work is dist/per-version.worker.js.
 */

/** What a worker is asked to do with each item it is handed. */
export type PerVersionTask =
  { kind: 'legal-hold'; bucket: string; checkHolds: boolean } | { kind: 'log-copy'; target: CopyTarget };

/** A worker's setup: its task, and the settings its own S3 client is made from. */
export interface PerVersionSetup {
  task: PerVersionTask;
  aws: WorkerAwsSettings;
}

/**
 * Below this many items the work stays in the main thread unless --workers was given. A worker
 * costs about 0.2 s of CPU to start (its own isolate, a second load of the S3 client: bench/README.md,
 * "Worker threads"), paid while it competes for the same cores; where cores do add speed, a worker
 * saves some tenths of a millisecond of CPU per item, so below a few thousand items its start costs
 * about what it saves.
 */
export const WORKERS_FROM = 2_000;

/**
 * A worker's heap: it keeps its S3 client and at most twice its share of the calls in flight.
 * V8's default young generation (up to 48 MB per isolate) let each worker's garbage pile up: two
 * workers at their defaults took a run from about 200 MB to about 300 MB of peak RSS on 10,000
 * versions; with these limits, about 207 MB, for 5-10% more CPU in garbage collection (bench/
 * README.md, "Worker threads"). The old generation's limit is kept generous on purpose: a worker
 * that reaches it ends (ERR_WORKER_OUT_OF_MEMORY) and its items are recorded as failed, which
 * would stop the step; a few megabytes of RSS are not worth that risk.
 */
export const WORKER_HEAP = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } as const;

export interface Threads {
  workers: number;
  access: WorkerAccess;
}

/**
 * The worker threads for `total` items (undefined when unknown) done as the identity of `s3`, or
 * undefined: the work stays in the main thread (--workers 1, a small bucket, or read-only clients:
 * a plan never starts workers).
 */
export function threadsFor(
  ctx: StepContext,
  total: number | undefined,
  s3: Pick<S3Port, 'workerAccess'>,
): Threads | undefined {
  const { threads: workers, always } = ctx.settings.workers ?? { threads: 1, always: false };
  if (workers <= 1 || (!always && total !== undefined && total < WORKERS_FROM)) return undefined;
  const access = s3.workerAccess();
  return access ? { workers, access } : undefined;
}

export interface OnWorkersOptions<Item, Outcome> {
  /** The outcome recorded for an item its worker never answered for. */
  lost(item: Item, error: Error): Outcome;
}

/**
 * Runs `task` on every item on `threads`, `ctx.settings.concurrency` calls in flight in all. On
 * Ctrl-C (ctx.signal) no item is handed out any more, the calls in flight finish and are recorded.
 */
export async function onWorkers<Item, Outcome>(
  ctx: StepContext,
  threads: Threads,
  task: PerVersionTask,
  items: AsyncIterable<Item>,
  options: OnWorkersOptions<Item, Outcome>,
  record: (outcome: Outcome) => void | Promise<void>,
): Promise<void> {
  // Loaded here, not with the step: node:worker_threads costs `drp validate` (which loads every
  // step type) a few milliseconds of start-up for nothing.
  const { runOnWorkers } = await import('./worker-pool.js');
  const { concurrency } = ctx.settings;
  const perWorker = Math.max(1, Math.ceil(concurrency / threads.workers));
  const setup: PerVersionSetup = { task, aws: { ...threads.access.settings, concurrency: perWorker } };
  ctx.log.info({ workers: threads.workers, concurrency }, `${task.kind}: on worker threads`);
  return runOnWorkers(
    items,
    {
      script: packagePath('dist', 'per-version.worker.js'),
      setup,
      workers: threads.workers,
      concurrency,
      credentials: () => threads.access.credentials(),
      lost: options.lost,
      signal: ctx.signal,
      resourceLimits: WORKER_HEAP,
    },
    record,
  );
}

/** Each item of each page: the pool takes items, the S3 listings give pages. */
export async function* eachOf<T>(pages: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}
