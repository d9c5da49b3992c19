import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { AwsCredentials } from '../../aws/config.js';
import { errorFrom, portableError } from './portable-error.js';
import type { Answer, FromWorker, ToWorker, WorkerStart } from './worker-protocol.js';

/** One item's work in a worker: it returns the item's outcome as plain data, and should never throw. */
export type Work = (item: never) => Promise<unknown>;

/** Before this much of their life is left, a worker asks the main thread for fresh credentials. */
const REFRESH_BEFORE_MS = 5 * 60_000;
/** And asks no more often than this, should the main thread have nothing fresher yet. */
const ASK_EVERY_MS = 30_000;
/** Credentials this close to their expiry are not signed with: a call waits for fresh ones. */
const UNUSABLE_WITHIN_MS = 30_000;

/**
 * The worker side of worker-pool.ts: `makeWork` builds the work function once, from the setup the
 * pool sent and the credentials its clients sign with; then every item handed over runs,
 * `concurrency` at a time, and every answer of one event-loop turn goes back in one message, in
 * the order the work finished. A `stop` drops the queued items (they are answered as skipped) and
 * lets the running ones finish and answer.
 */
export function serveWork<Setup>(
  makeWork: (setup: Setup, credentials: () => Promise<AwsCredentials>) => Work,
  port: MessagePort = parentPort!,
  start: WorkerStart = workerData as WorkerStart,
): void {
  const asks = credentialsAsker(port, start.credentials);
  const work = makeWork(start.setup as Setup, asks.credentials) as (item: unknown) => Promise<unknown>;
  let queue: { id: number; item: unknown }[] = [];
  let head = 0;
  let running = 0;
  let answers: Answer[] = [];
  let flushing = false;

  const post = (m: FromWorker) => port.postMessage(m);
  const answer = (a: Answer) => {
    answers.push(a);
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      const batch = answers;
      answers = [];
      post({ type: 'answers', answers: batch });
    });
  };
  const pump = () => {
    while (running < start.concurrency && head < queue.length) {
      const { id, item } = queue[head++]!;
      running++;
      work(item)
        .then(
          (outcome) => answer({ id, outcome }),
          (error: unknown) => answer({ id, error: portableError(error) }),
        )
        .finally(() => {
          running--;
          pump();
        });
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
  };

  port.on('message', (m: ToWorker) => {
    if (m.type === 'work') {
      queue.push(...m.items);
      pump();
    } else if (m.type === 'stop') {
      const ids = queue.slice(head).map((q) => q.id);
      queue = [];
      head = 0;
      post({ type: 'skipped', ids });
    } else if (m.type === 'credentials') asks.answered(m);
  });
}

/** Credentials for this worker's clients: the ones it started with, fresh ones from the main thread near their expiry. */
function credentialsAsker(port: MessagePort, initial: AwsCredentials | undefined) {
  let current = initial;
  let askedAt = Number.NEGATIVE_INFINITY;
  let seq = 0;
  let asking: Promise<AwsCredentials> | undefined;
  const waiting = new Map<number, { resolve(c: AwsCredentials): void; reject(e: Error): void }>();
  const left = (c: AwsCredentials) => (c.expiration ? c.expiration.getTime() - Date.now() : Infinity);
  const stale = (c: AwsCredentials) => left(c) < REFRESH_BEFORE_MS;
  const usable = (c: AwsCredentials | undefined): c is AwsCredentials =>
    c !== undefined && left(c) > UNUSABLE_WITHIN_MS;

  const ask = () =>
    new Promise<AwsCredentials>((resolve, reject) => {
      const n = ++seq;
      waiting.set(n, { resolve, reject });
      askedAt = Date.now();
      port.postMessage({ type: 'credentials', seq: n } satisfies FromWorker);
    });

  return {
    /**
     * Fresh credentials as they are; near their expiry, one request to the main thread for all
     * the calls, which sign with the current ones meanwhile while they are still usable, and wait
     * for the answer once they are not.
     */
    async credentials(): Promise<AwsCredentials> {
      if (current && !stale(current)) return current;
      const now = usable(current);
      if (!asking && (!now || Date.now() - askedAt >= ASK_EVERY_MS)) {
        asking = ask()
          .then((c) => (current = c))
          .finally(() => (asking = undefined));
        // Not awaited while the current ones serve: its failure is met by the next call that waits.
        asking.catch(() => undefined);
      }
      if (now) return current!;
      return asking!;
    },
    answered(m: Extract<ToWorker, { type: 'credentials' }>) {
      const w = waiting.get(m.seq);
      waiting.delete(m.seq);
      if (m.credentials) w?.resolve(m.credentials);
      else w?.reject(errorFrom(m.error ?? { code: 'CredentialsError', message: 'no credentials' }));
    },
  };
}
