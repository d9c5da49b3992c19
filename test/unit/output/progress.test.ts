import { describe, expect, it } from 'vitest';
import { ETA_AFTER_MS, terminalProgress } from '../../../src/output/progress.js';

/** A terminal that keeps what was drawn, and a clock the test moves. */
function terminal() {
  const writes: string[] = [];
  const stream = { isTTY: true, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  let t = 1_000_000;
  return { writes, stream, now: () => t, advance: (ms: number) => (t += ms) };
}

describe('the progress line', () => {
  it('shows no ETA until the rate has been measured for a few seconds, then shows it', () => {
    const term = terminal();
    const bar = terminalProgress(term.stream, term.now).start('legal holds', 1000);
    term.advance(500);
    bar.tick(10);
    expect(term.writes.at(-1)).toMatch(/legal holds: 10\/1000 \(20\/s\)$/);
    term.advance(ETA_AFTER_MS);
    bar.tick(60);
    expect(term.writes.at(-1)).toMatch(/legal holds: 70\/1000 \(20\/s\) eta 47s$/);
    bar.done();
    expect(term.writes.at(-1)).toMatch(/legal holds: 70\/1000 \(20\/s\)\n$/);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const term = terminal();
    const stream = { ...term.stream, isTTY: false } as unknown as NodeJS.WriteStream;
    terminalProgress(stream, term.now).start('copies', 10).tick(5);
    expect(term.writes).toEqual([]);
  });
});
