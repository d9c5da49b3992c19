import { describe, expect, it } from 'vitest';
import { daysOf, Since, windowOf } from '../../../../../src/steps/lib/preservation/window.js';

const now = new Date('2026-11-25T03:00:00.000Z');

describe('evidence window', () => {
  it.each([
    ['7d', '2026-11-18T03:00:00.000Z'],
    ['36h', '2026-11-23T15:00:00.000Z'],
    ['90m', '2026-11-25T01:30:00.000Z'],
    ['2026-11-20T00:00:00Z', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T01:00:00+01:00', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ])('since %s starts at %s and ends now', (since, start) => {
    expect(windowOf(since, now)).toEqual({ start: new Date(start), end: now });
  });

  it.each(['7', 'yesterday', '7 d', '2026-11-20T00:00:00', '2026-13-01'])('refuses %s in the schema', (v) => {
    expect(Since.safeParse(v).success).toBe(false);
  });

  it('refuses a start in the future as a user error naming the field', () => {
    expect(() => windowOf('2026-11-26T00:00:00Z', now)).toThrow(
      /since 2026-11-26T00:00:00Z: is in the future/,
    );
  });

  it('lists each UTC day the window touches, across months and years', () => {
    expect(
      daysOf({ start: new Date('2026-12-30T22:00:00Z'), end: new Date('2027-01-02T01:00:00Z') }),
    ).toEqual([
      ['2026', '12', '30'],
      ['2026', '12', '31'],
      ['2027', '01', '01'],
      ['2027', '01', '02'],
    ]);
  });

  it('lists a single day for a window inside one day', () => {
    expect(daysOf({ start: new Date('2026-11-25T01:00:00Z'), end: now })).toEqual([['2026', '11', '25']]);
  });
});
