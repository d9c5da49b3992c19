import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interrupted } from '../../../../src/errors.js';
import { runOnWorkers, WorkerCrashed, type PoolOptions } from '../../../../src/steps/lib/worker-pool.js';
import type { ProbeItem, ProbeOutcome } from '../../../support/workers/probe.worker.js';

// Real worker threads running test/support/workers/probe.worker.ts (bundled here: a worker thread
// cannot load TypeScript), which serves its work through src/steps/lib/worker-serve.ts.
let dir: string;
let script: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drp-pool-'));
  script = join(dir, 'probe.worker.mjs');
  await build({
    entryPoints: ['test/support/workers/probe.worker.ts'],
    outfile: script,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Recorded = ProbeOutcome | { n: number; lost: string };

/** A listing of `count` items, `each(n)` saying what each item's work does; `read` counts what the pool took. */
function listing(count: number, each: (n: number) => Partial<ProbeItem> = () => ({})) {
  const state = { read: 0 };
  async function* items(): AsyncGenerator<ProbeItem> {
    for (let n = 0; n < count; n++) {
      state.read++;
      yield { n, ...each(n) };
    }
  }
  return { state, items: items() };
}

function pool(options: Partial<PoolOptions<ProbeItem, Recorded>> = {}) {
  const shared = new SharedArrayBuffer(8);
  return {
    counts: new Int32Array(shared),
    options: {
      script,
      setup: shared,
      workers: 2,
      concurrency: 8,
      lost: (item: ProbeItem, error: Error): Recorded => ({ n: item.n, lost: error.name }),
      ...options,
    } satisfies PoolOptions<ProbeItem, Recorded>,
  };
}

const numbers = (recorded: Recorded[]) => recorded.map((r) => r.n).sort((a, b) => a - b);

describe('runOnWorkers', () => {
  it('does every item once, on every worker, never more than `concurrency` at once in all', async () => {
    const { counts, options } = pool();
    const recorded: Recorded[] = [];
    await runOnWorkers(listing(600).items, options, (o) => void recorded.push(o));
    expect(numbers(recorded)).toEqual(Array.from({ length: 600 }, (_, n) => n));
    const threads = new Set(recorded.map((r) => ('thread' in r ? r.thread : 0)));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false);
    expect(Atomics.load(counts, 1)).toBeLessThanOrEqual(8);
    expect(Atomics.load(counts, 1)).toBeGreaterThan(1);
  });

  it('reads the listing at most highWater ahead of what is recorded', async () => {
    const { options } = pool({ highWater: 50 });
    const { state, items } = listing(2000);
    let ahead = 0;
    let recorded = 0;
    await runOnWorkers(items, options, async () => {
      recorded++;
      ahead = Math.max(ahead, state.read - recorded);
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(recorded).toBe(2000);
    // What waits in the pool, plus what each worker holds (its calls and as many queued).
    expect(ahead).toBeLessThanOrEqual(50 + 2 * 8 + 1);
  });

  it('stops at the first failed record: nothing new handed out, the calls in flight recorded, that error thrown', async () => {
    const { options } = pool();
    const { state, items } = listing(5000, () => ({ delayMs: 2 }));
    const recorded: Recorded[] = [];
    const failure = new Error('disk full');
    const error = await runOnWorkers(items, options, (o) => {
      recorded.push(o);
      if (o.n === 40) throw failure;
    }).catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(recorded.some((r) => r.n === 40)).toBe(true);
    expect(recorded.length).toBeLessThan(300);
    expect(state.read).toBeLessThan(5000);
    expect(new Set(numbers(recorded)).size).toBe(recorded.length);
  });

  it("records the items of a worker that died as lost, and throws WorkerCrashed after the others' calls finish", async () => {
    const { options } = pool();
    const recorded: Recorded[] = [];
    const error = await runOnWorkers(
      listing(400, (n) => (n === 100 ? { die: true, delayMs: 20 } : { delayMs: 2 })).items,
      options,
      (o) => void recorded.push(o),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashed);
    expect((error as Error).message).toMatch(/worker thread \d of 2 stopped with exit code 3/);
    const lost = recorded.filter((r) => 'lost' in r);
    expect(lost.map((r) => r.n)).toContain(100);
    expect(lost.every((r) => 'lost' in r && r.lost === 'WorkerCrashed')).toBe(true);
    expect(new Set(numbers(recorded)).size).toBe(recorded.length);
  });

  it('turns work that throws into a lost outcome carrying its error, and stops', async () => {
    const { options } = pool();
    const recorded: Recorded[] = [];
    await runOnWorkers(
      listing(50, (n) => ({ throws: n === 7 })).items,
      options,
      (o) => void recorded.push(o),
    ).catch(() => undefined);
    expect(recorded.find((r) => r.n === 7)).toEqual({ n: 7, lost: 'ProbeError' });
  });

  it('on the interrupt, hands out nothing more, records the calls in flight, and throws Interrupted', async () => {
    const controller = new AbortController();
    const { options } = pool({ signal: controller.signal });
    const { state, items } = listing(5000, () => ({ delayMs: 5 }));
    let recorded = 0;
    const error = await runOnWorkers(items, options, () => {
      if (++recorded === 30) controller.abort(new Interrupted('SIGINT'));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(recorded).toBeGreaterThanOrEqual(30);
    expect(recorded).toBeLessThan(200);
    expect(state.read).toBeLessThan(5000);
  });

  it('throws a failed listing after the items already read are recorded', async () => {
    const { options } = pool();
    async function* broken(): AsyncGenerator<ProbeItem> {
      for (let n = 0; n < 20; n++) yield { n };
      throw Object.assign(new Error('listing refused'), { name: 'AccessDenied' });
    }
    const recorded: Recorded[] = [];
    const error = await runOnWorkers(broken(), options, (o) => void recorded.push(o)).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('AccessDenied');
    expect(numbers(recorded)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });
});
