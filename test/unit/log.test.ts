import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFailure } from '../../src/log.js';

function capture(level: 'warn' | 'debug') {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { log: createLogger(level, sink), lines };
}

describe('logFailure', () => {
  it('logs one readable line without a stack at the default level', () => {
    const { log, lines } = capture('warn');
    logFailure(
      log,
      'error',
      { step: 'object-lock' },
      Object.assign(new Error('Slow Down'), { name: 'SlowDown' }),
      'step failed',
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      step: 'object-lock',
      error: 'SlowDown: Slow Down',
      msg: 'step failed',
    });
    expect(lines[0]).not.toMatch(/stack|at .*\.ts:\d+/);
  });

  it('keeps the stack for --log-level debug', () => {
    const { log, lines } = capture('debug');
    logFailure(log, 'warn', {}, new Error('boom'), 'plan failed');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!).err.stack).toMatch(/Error: boom/);
  });
});
