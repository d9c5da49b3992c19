import { describe, expect, it } from 'vitest';
import { retryOn } from '../../../../src/steps/lib/retry.js';

const named = (name: string) => Object.assign(new Error(name), { name });

describe('retryOn', () => {
  it("calls again on the listed codes, pausing longer each time, up to the attempts, then throws AWS's error", async () => {
    const pauses: number[] = [];
    const sleep = async (ms: number) => void pauses.push(ms);
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(named('WAFOptimisticLockException'));
    };
    await expect(
      retryOn(['WAFOptimisticLockException'], fail, { attempts: 3, pauseMs: 100, sleep }),
    ).rejects.toThrow('WAFOptimisticLockException');
    expect(calls).toBe(3);
    expect(pauses).toEqual([100, 200]);
  });

  it('returns what a later attempt returns, and never retries another error', async () => {
    let calls = 0;
    const flaky = async (attempt: number) => {
      calls++;
      if (attempt === 1) throw named('ResourceConflictException');
      return 'done';
    };
    expect(await retryOn(['ResourceConflictException'], flaky, { sleep: async () => undefined })).toBe(
      'done',
    );
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      retryOn(['ResourceConflictException'], async () => {
        calls++;
        throw named('AccessDeniedException');
      }),
    ).rejects.toThrow('AccessDeniedException');
    expect(calls).toBe(1);
  });
});
