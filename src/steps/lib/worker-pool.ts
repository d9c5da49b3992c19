import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { AwsCredentials } from '../../aws/config.js';
import { interruptedBy } from '../../errors.js';
import { errorFrom, portableError } from './portable-error.js';
import type { Answer, FromWorker, ToWorker, WorkerStart } from './worker-protocol.js';

export interface PoolOptions<Item, Outcome> {
  /** The worker script: dist/<name>.worker.js (packagePath), which calls serveWork. */
  script: string;
  /** What every worker needs to do the work (workerData.setup): plain data, no secret. */
  setup: unknown;
  workers: number;
  /** Calls in flight across all workers, split evenly between them. */
  concurrency: number;
  /** The main thread's credentials, for the workers' own clients: asked at start, then on a worker's request. */
  credentials?: () => Promise<AwsCredentials>;
  /** The outcome recorded for an item its worker never answered for (the worker died, or its work threw). */
  lost(item: Item, error: Error): Outcome;
  /**
   * The run's interrupt: no item is handed out any more, the calls in flight finish and are
   * recorded, the workers end, and Interrupted is thrown (unless nothing was left undone).
   */
  signal?: AbortSignal;
  /** Items read from the listing ahead of the workers (default max(1000, 8 x concurrency)). */
  highWater?: number;
  resourceLimits?: ResourceLimits;
}

/** A worker thread that ended without being asked to: the items it had are recorded as failed with this. */
export class WorkerCrashed extends Error {
  override readonly name = 'WorkerCrashed';
}

interface Slot<Item> {
  worker: Worker;
  number: number;
  /** Items handed to this worker and not answered yet, by id. */
  given: Map<number, Item>;
  ending: boolean;
  exited: boolean;
  error?: Error;
}

/**
 * Runs per-version work on worker threads, fed from ONE listing read here, with every outcome
 * recorded here, in the order the answers arrive, as they arrive: the manifest and the journal
 * keep one writer each, in the main thread.
 *
 * Memory is bounded whatever the listing's size: at most `highWater` items wait here, and each
 * worker holds at most twice its share of `concurrency` (its calls in flight and as many queued,
 * so it never idles waiting for the next message). An item's slot is freed once its outcome is
 * recorded, so a slow `record` (a disk under load) slows the listing down instead of queueing.
 *
 * Failure semantics are forEachPaged's: when `record` throws (a failed call), nothing new is
 * handed out, the items waiting in workers are dropped, the calls in flight finish and are
 * recorded, then the first error is thrown. A worker that dies has its unanswered items recorded
 * through `lost` (not lost: failed), then the pool stops the same way. A failure of the listing
 * itself is thrown after the items already read are done. Workers are ended on every way out.
 */
export async function runOnWorkers<Item, Outcome>(
  items: AsyncIterable<Item>,
  options: PoolOptions<Item, Outcome>,
  record: (outcome: Outcome) => void | Promise<void>,
): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) throw interruptedBy(signal);
  const credentials = options.credentials ? await options.credentials() : undefined;
  return new Pool(items, options, record, credentials).run();
}

class Pool<Item, Outcome> {
  private readonly slots: Slot<Item>[] = [];
  private readonly perWorker: number;
  private readonly window: number;
  private readonly highWater: number;
  private buffer: Item[] = [];
  private head = 0;
  private nextId = 0;
  private next = 0;
  private stopping = false;
  private failure?: { error: unknown; interrupt: boolean };
  private listing?: { error: unknown };
  private exhausted = false;
  private fed = false;
  private skipped = 0;
  private recording = 0;
  private chain: Promise<void> = Promise.resolve();
  private wakeFeeder?: () => void;
  private handing = false;
  private finished!: () => void;

  constructor(
    private readonly items: AsyncIterable<Item>,
    private readonly options: PoolOptions<Item, Outcome>,
    private readonly record: (outcome: Outcome) => void | Promise<void>,
    private readonly credentials: AwsCredentials | undefined,
  ) {
    const workers = Math.max(1, options.workers);
    this.perWorker = Math.max(1, Math.ceil(options.concurrency / workers));
    this.window = this.perWorker * 2;
    this.highWater = options.highWater ?? Math.max(1000, options.concurrency * 8);
  }

  async run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    const onAbort = () => this.fail(interruptedBy(this.options.signal!), true);
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (let n = 0; n < Math.max(1, this.options.workers); n++) this.slots.push(this.start(n + 1));
      void this.feed();
      await done;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
      await Promise.all(this.slots.map((s) => this.end(s)));
    }
    const { failure, listing } = this;
    // An interrupt that came during the last calls left nothing undone: no interruption.
    if (failure && !(failure.interrupt && this.exhausted && this.skipped === 0)) throw failure.error;
    if (listing) throw listing.error;
  }

  private start(number: number): Slot<Item> {
    const start: WorkerStart = {
      setup: this.options.setup,
      concurrency: this.perWorker,
      ...(this.credentials ? { credentials: this.credentials } : {}),
    };
    const worker = new Worker(this.options.script, {
      workerData: start,
      ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
    });
    const slot: Slot<Item> = { worker, number, given: new Map(), ending: false, exited: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (error) => (slot.error ??= error));
    // An answer that cannot be read: end that worker, so that its items are recorded as failed.
    worker.on('messageerror', (error) => {
      slot.error ??= error;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private end(slot: Slot<Item>): Promise<unknown> {
    if (slot.exited) return Promise.resolve();
    slot.ending = true;
    return slot.worker.terminate();
  }

  /** Reads the listing into the buffer, never more than highWater ahead of the workers. */
  private async feed(): Promise<void> {
    const iterator = this.items[Symbol.asyncIterator]();
    try {
      for (;;) {
        while (!this.stopping && this.buffer.length - this.head >= this.highWater)
          await new Promise<void>((resolve) => (this.wakeFeeder = resolve));
        if (this.stopping) break;
        const r = await iterator.next();
        if (r.done) {
          this.exhausted = true;
          break;
        }
        if (this.stopping) this.skipped++;
        else {
          this.buffer.push(r.value);
          this.hand();
        }
      }
    } catch (error) {
      this.listing = { error };
    } finally {
      this.fed = true;
      // Stopped early: let the listing's generator clean up (its pending page is not wanted).
      if (!this.exhausted && !this.listing) await iterator.return?.()?.catch(() => undefined);
      this.check();
    }
  }

  /** Hands buffered items to workers with room, round robin, one message per worker. */
  private hand(): void {
    if (this.stopping) return;
    const n = this.slots.length;
    for (let k = 0; k < n && this.head < this.buffer.length; k++) {
      const slot = this.slots[(this.next + k) % n]!;
      if (slot.exited || slot.ending) continue;
      const room = this.window - slot.given.size;
      if (room <= 0) continue;
      const batch: { id: number; item: Item }[] = [];
      while (batch.length < room && this.head < this.buffer.length) {
        const item = this.buffer[this.head++]!;
        const id = this.nextId++;
        slot.given.set(id, item);
        batch.push({ id, item });
      }
      slot.worker.postMessage({ type: 'work', items: batch } satisfies ToWorker);
    }
    this.next = (this.next + 1) % n;
    if (this.head > 4096 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    if (this.buffer.length - this.head < this.highWater) this.wakeFeeder?.();
  }

  /** Answers come in bursts: hand out once after the burst, not one message per answer. */
  private handSoon(): void {
    if (this.handing) return;
    this.handing = true;
    setImmediate(() => {
      this.handing = false;
      this.hand();
    });
  }

  private onMessage(slot: Slot<Item>, m: FromWorker): void {
    if (m.type === 'answers') for (const answer of m.answers) this.answered(slot, answer);
    else if (m.type === 'skipped') {
      for (const id of m.ids) if (slot.given.delete(id)) this.skipped++;
      this.check();
    } else if (m.type === 'credentials') void this.sendCredentials(slot, m.seq);
  }

  private answered(slot: Slot<Item>, answer: Answer): void {
    const item = slot.given.get(answer.id);
    if (item === undefined) return;
    const outcome =
      'outcome' in answer ? (answer.outcome as Outcome) : this.options.lost(item, errorFrom(answer.error));
    this.recorded(slot, answer.id, outcome);
  }

  /** Records in arrival order; the item keeps its worker's slot until its outcome is recorded. */
  private recorded(slot: Slot<Item>, id: number, outcome: Outcome): void {
    this.recording++;
    this.chain = this.chain
      .then(() => this.record(outcome))
      .catch((error: unknown) => this.fail(error, false))
      .finally(() => {
        this.recording--;
        slot.given.delete(id);
        this.handSoon();
        this.check();
      });
  }

  private onExit(slot: Slot<Item>, code: number): void {
    slot.exited = true;
    if (!slot.ending) {
      const why = slot.error ? `: ${slot.error.message}` : code ? ` with exit code ${code}` : '';
      const crash = new WorkerCrashed(
        `worker thread ${slot.number} of ${this.slots.length} stopped${why}; the ${slot.given.size} item(s) it had are recorded as failed`,
      );
      this.fail(crash, false);
      for (const [id, item] of [...slot.given]) this.recorded(slot, id, this.options.lost(item, crash));
    }
    this.check();
  }

  private async sendCredentials(slot: Slot<Item>, seq: number): Promise<void> {
    let reply: ToWorker;
    try {
      reply = { type: 'credentials', seq, credentials: await this.options.credentials!() };
    } catch (error) {
      reply = { type: 'credentials', seq, error: portableError(error) };
    }
    if (!slot.exited) slot.worker.postMessage(reply);
  }

  private fail(error: unknown, interrupt: boolean): void {
    this.failure ??= { error, interrupt };
    if (this.stopping) return;
    this.stopping = true;
    this.skipped += this.buffer.length - this.head;
    this.buffer = [];
    this.head = 0;
    for (const slot of this.slots)
      if (!slot.exited && !slot.ending) slot.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    this.wakeFeeder?.();
    this.check();
  }

  /** Done once the listing is over (or abandoned), nothing waits here, and every item given out is recorded. */
  private check(): void {
    if (!this.fed || this.recording > 0) return;
    if (!this.stopping && this.head < this.buffer.length) return;
    if (this.slots.some((s) => !s.exited && s.given.size > 0)) return;
    this.finished();
  }
}
