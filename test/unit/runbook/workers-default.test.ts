import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKERS_FROM_CORES, workersOf } from '../../../src/runbook/session.js';

describe('how many threads do the per-version work', () => {
  it('takes --workers as given, for a job of any size', () => {
    expect(workersOf(3, 2)).toEqual({ threads: 3, always: true });
    expect(workersOf(1, 16)).toEqual({ threads: 1, always: true });
  });

  it('defaults to one per core from 4 cores, for large jobs only', () => {
    expect(DEFAULT_WORKERS_FROM_CORES).toBe(4);
    expect(workersOf(undefined, 4)).toEqual({ threads: 4, always: false });
    expect(workersOf(undefined, 16)).toEqual({ threads: 16, always: false });
  });

  it('keeps the work in the main thread by default on 2 or 3 cores', () => {
    expect(workersOf(undefined, 2)).toEqual({ threads: 1, always: false });
    expect(workersOf(undefined, 3)).toEqual({ threads: 1, always: false });
  });
});
