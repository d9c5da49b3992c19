import { threadId } from 'node:worker_threads';
import { serveWork } from '../../../src/steps/lib/worker-serve.js';

/**
 * A worker for test/unit/steps/lib/worker-pool.test.ts, bundled by the test with esbuild (a worker
 * thread cannot load TypeScript). Its setup is a SharedArrayBuffer the test reads: [0] calls
 * running now in all workers, [1] the most ever at once. Each item says what its work does.
 */
export interface ProbeItem {
  n: number;
  delayMs?: number;
  /** The worker thread ends (process.exit in a worker ends that thread only) before answering. */
  die?: boolean;
  /** The work throws instead of returning an outcome (a bug in a work function). */
  throws?: boolean;
}

export interface ProbeOutcome {
  n: number;
  thread: number;
}

serveWork<SharedArrayBuffer>((shared) => {
  const counts = new Int32Array(shared);
  return async (item: ProbeItem): Promise<ProbeOutcome> => {
    const now = Atomics.add(counts, 0, 1) + 1;
    for (let max = Atomics.load(counts, 1); now > max; max = Atomics.load(counts, 1))
      Atomics.compareExchange(counts, 1, max, now);
    try {
      await new Promise((resolve) => setTimeout(resolve, item.delayMs ?? 1));
      if (item.die) process.exit(3);
      if (item.throws) throw Object.assign(new Error('probe failed'), { name: 'ProbeError' });
      return { n: item.n, thread: threadId };
    } finally {
      Atomics.sub(counts, 0, 1);
    }
  };
});
