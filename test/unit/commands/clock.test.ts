import { describe, expect, it } from 'vitest';
import { checkDetectedAt, detectionTime } from '../../../src/commands/clock.js';
import { renderHeader } from '../../../src/output/render.js';

const now = new Date('2026-11-25T03:00:00Z');

describe('--detected-at', () => {
  it.each([
    ['45m', '2026-11-25T02:15:00.000Z'],
    ['2h', '2026-11-25T01:00:00.000Z'],
    ['1h30m', '2026-11-25T01:30:00.000Z'],
    ['1d', '2026-11-24T03:00:00.000Z'],
    [' 45m ', '2026-11-25T02:15:00.000Z'],
    ['2026-11-25T03:40:00+01:00', '2026-11-25T02:40:00.000Z'],
  ])('takes %s as %s', (value, expected) => {
    expect(checkDetectedAt(value, now)).toBe(expected);
  });

  it.each([
    ['yesterday', /expected an ISO 8601 time with a zone .* or how long ago \(45m, 2h, 1h30m, 1d\)/],
    ['2026-11-25T02:00:00', /expected/],
    ['2026-11-26T02:00:00Z', /is in the future/],
    ['0m', /at least 1 minute/],
    ['', /expected/],
  ])('refuses %j naming the flag', (value, why) => {
    expect(() => checkDetectedAt(value, now)).toThrow(/^--detected-at /);
    expect(() => checkDetectedAt(value, now)).toThrow(why);
  });
});

/** A terminal that answers the questions in order, and records what it was told. */
function terminal(answers: (string | undefined)[], tty = true) {
  const asked: string[] = [];
  const notices: string[] = [];
  return {
    asked,
    notices,
    env: {
      stdinIsTTY: tty,
      ask: async (q: string) => {
        asked.push(q);
        return answers.shift();
      },
      notice: (t: string) => void notices.push(t),
    },
  };
}

describe('the detection time of a run', () => {
  it('asks on a terminal when --detected-at is absent, and takes "45m"', async () => {
    const t = terminal(['45m']);
    expect(await detectionTime(undefined, now, t.env, true)).toEqual({
      detectedAt: '2026-11-25T02:15:00.000Z',
      given: true,
    });
    expect(t.asked).toEqual([expect.stringMatching(/^When was the incident detected\? .*Enter: now: $/)]);
  });

  it('keeps the run start on Enter (or Ctrl-C), flagged as not given', async () => {
    for (const answer of ['', undefined]) {
      expect(await detectionTime(undefined, now, terminal([answer]).env, true)).toEqual({
        detectedAt: now.toISOString(),
        given: false,
      });
    }
  });

  it('asks again after a wrong answer, saying why', async () => {
    const t = terminal(['tomorrow', '2h']);
    expect(await detectionTime(undefined, now, t.env, true)).toMatchObject({ given: true });
    expect(t.notices).toEqual([expect.stringMatching(/^drp: detection time tomorrow: expected/)]);
  });

  it('does not ask with --detected-at, without a terminal, or when told not to (--yes, --dry-run)', async () => {
    const given = terminal(['1h']);
    expect(await detectionTime('45m', now, given.env, true)).toMatchObject({ given: true });
    const pipe = terminal(['1h'], false);
    expect(await detectionTime(undefined, now, pipe.env, true)).toMatchObject({ given: false });
    const yes = terminal(['1h']);
    expect(await detectionTime(undefined, now, yes.env, false)).toMatchObject({ given: false });
    expect([...given.asked, ...pipe.asked, ...yes.asked]).toEqual([]);
  });
});

describe('the plan header', () => {
  const header = {
    runbook: 'r',
    incidentId: 'INC-1',
    accountId: '1',
    region: 'eu-west-1',
    callerArn: 'a',
    dryRun: false,
  };
  it('warns when the detection time was not given: the clock would start late', () => {
    const text = renderHeader({
      ...header,
      detection: { detectedAt: '2026-11-25T03:00:00.000Z', given: false },
    });
    expect(text.split('\n')[2]).toBe(
      'WARNING: detection time not given: the clock starts at this run (2026-11-25T03:00:00.000Z), which is later than the real detection; pass --detected-at (e.g. 45m) so the 72-hour deadline (now 2026-11-28T03:00:00.000Z) is right',
    );
  });
  it('shows the deadline when it was given', () => {
    const text = renderHeader({
      ...header,
      detection: { detectedAt: '2026-11-25T02:15:00.000Z', given: true },
    });
    expect(text).toContain(
      'detected 2026-11-25T02:15:00.000Z: notify the supervisory authority by 2026-11-28T02:15:00.000Z (GDPR Art. 33, 72 hours)',
    );
  });
});
