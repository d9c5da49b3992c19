import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitWhenFlushed } from '../../../src/cli/flush.js';

/** A stream that, like a pipe on macOS or a full pipe anywhere, flushes later than write returns. */
function slowStream() {
  const callbacks: (() => void)[] = [];
  return {
    write: (_chunk: string, cb: () => void) => (callbacks.push(cb), false),
    flush: () => callbacks.splice(0).forEach((cb) => cb()),
  };
}

describe('exitWhenFlushed', () => {
  const before = process.exitCode;
  afterEach(() => {
    process.exitCode = before;
  });

  it('sets the exit code at once but exits only after every stream has flushed', async () => {
    const exit = vi.fn() as unknown as (code: number) => never;
    const out = slowStream();
    const err = slowStream();
    void exitWhenFlushed(2, exit, [out, err]);
    expect(process.exitCode).toBe(2);
    out.flush();
    await Promise.resolve();
    expect(exit).not.toHaveBeenCalled();
    err.flush();
    expect(exit).toHaveBeenCalledExactlyOnceWith(2);
  });
});
