import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logFailure, readableLine } from '../../src/log.js';

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

describe('logs on a terminal', () => {
  function terminal(level: 'warn' | 'info') {
    const lines: string[] = [];
    const sink = Object.assign(
      new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
      { isTTY: true },
    );
    return { log: createLogger(level, sink), lines };
  }

  it('are one readable line per warning at the default level, not JSON', () => {
    const { log, lines } = terminal('warn');
    logFailure(log, 'warn', { step: 'scp-deny' }, new Error('Access Denied\r\x1b[2K'), 'plan failed');
    expect(lines).toEqual(['drp: warning (scp-deny): plan failed: Error: Access Denied\\x0d\\x1b[2K\n']);
  });

  it('stay JSON with --log-level info and below, for whoever digs', () => {
    const { log, lines } = terminal('info');
    log.info({ step: 'scan' }, 'listing');
    expect(JSON.parse(lines[0]!)).toMatchObject({ step: 'scan', msg: 'listing' });
  });

  it('pass a line that is not a record through as it is', () => {
    expect(readableLine('not json\n')).toBe('not json\n');
  });
});
