import { describe, expect, it } from 'vitest';
import { Interrupted } from '../../../../src/errors.js';
import { forEachPaged } from '../../../../src/steps/lib/paged-pool.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Pages of numbers, recording how many pages the consumer has asked for. */
function pagesOf(count: number, size: number) {
  const state = { fetched: 0 };
  async function* pages() {
    for (let p = 0; p < count; p++) {
      state.fetched++;
      yield Array.from({ length: size }, (_, i) => p * size + i);
    }
  }
  return { state, pages: pages() };
}

describe('forEachPaged', () => {
  it('runs every item once with never more than `concurrency` in flight, across page boundaries', async () => {
    const { pages } = pagesOf(5, 7);
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachPaged(pages, 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await tick();
      seen.push(n);
      active--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('fetches the next page while the previous page is still being worked on', async () => {
    const { state, pages } = pagesOf(3, 4);
    const release: (() => void)[] = [];
    const run = forEachPaged(pages, 2, () => new Promise<void>((resolve) => release.push(resolve)), {
      highWater: 100,
    });
    await tick();
    // Only 2 calls have started (of page 1's 4 items), yet every page has been fetched and queued.
    expect(release).toHaveLength(2);
    expect(state.fetched).toBe(3);
    while (release.length) {
      release.shift()!();
      await tick();
    }
    await run;
  });

  it('stops fetching pages while more than highWater items are queued, so memory stays bounded', async () => {
    const { state, pages } = pagesOf(50, 10);
    const release: (() => void)[] = [];
    const run = forEachPaged(pages, 2, () => new Promise<void>((resolve) => release.push(resolve)), {
      highWater: 15,
    });
    await tick();
    expect(state.fetched).toBe(2);
    const drain = async () => {
      while (release.length) {
        release.shift()!();
        await tick();
      }
    };
    await drain();
    await run;
    expect(state.fetched).toBe(50);
  });

  it('stops at the first failure: queued items are skipped, running ones finish, the failure is thrown', async () => {
    const { state, pages } = pagesOf(10, 10);
    const started: number[] = [];
    let finished = 0;
    const failure = new Error('PutObjectLegalHold: AccessDenied');
    const run = forEachPaged(
      pages,
      4,
      async (n) => {
        started.push(n);
        await tick();
        if (n === 5) throw failure;
        finished++;
      },
      { highWater: 10 },
    );
    await expect(run).rejects.toBe(failure);
    expect(started.length).toBeLessThan(20);
    expect(finished).toBe(started.length - 1);
    expect(state.fetched).toBeLessThan(10);
  });

  it('throws a failure of the listing after the work already queued is done', async () => {
    const done: number[] = [];
    async function* failing() {
      yield [1, 2, 3];
      throw new Error('ListObjectVersions: SlowDown');
    }
    await expect(
      forEachPaged(failing(), 2, async (n) => {
        await tick();
        done.push(n);
      }),
    ).rejects.toThrow('SlowDown');
    expect(done.sort()).toEqual([1, 2, 3]);
  });

  it('stops taking work when interrupted: the calls in flight finish, queued ones never start, no page is fetched', async () => {
    const { state, pages } = pagesOf(10, 10);
    const controller = new AbortController();
    const release: (() => void)[] = [];
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachPaged(
      pages,
      4,
      async (n) => {
        started.push(n);
        await new Promise<void>((resolve) => release.push(resolve));
        finished.push(n);
      },
      { highWater: 10, signal: controller.signal },
    );
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    const fetchedBefore = state.fetched;
    controller.abort(new Interrupted('SIGINT'));
    for (const r of release.splice(0)) r();
    await expect(run).rejects.toBeInstanceOf(Interrupted);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(finished).toEqual([0, 1, 2, 3]);
    expect(state.fetched).toBe(fetchedBefore);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const { pages } = pagesOf(2, 3);
    const controller = new AbortController();
    controller.abort(new Interrupted('SIGTERM'));
    const started: number[] = [];
    await expect(
      forEachPaged(pages, 2, async (n) => void started.push(n), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'Interrupted', signal: 'SIGTERM' });
    expect(started).toEqual([]);
  });
});
