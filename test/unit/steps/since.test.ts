import { describe, expect, it } from 'vitest';
import { parseSince } from '../../../src/steps/since.js';

const now = new Date('2026-11-25T03:00:00.000Z');

describe('--since', () => {
  it.each([
    ['30m', '2026-11-25T02:30:00.000Z'],
    ['24h', '2026-11-24T03:00:00.000Z'],
    ['7d', '2026-11-18T03:00:00.000Z'],
    ['2w', '2026-11-11T03:00:00.000Z'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T11:00:00+01:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseSince(text, now).date?.toISOString()).toBe(iso);
  });

  it.each([
    ['yesterday', /expected an ISO 8601 time with a zone .* or a duration back from now/],
    ['7 days', /expected/],
    ['2026-11-20T10:00:00', /expected/],
    ['2026-13-40', /expected/],
    ['0h', /at least 1/],
    ['2026-12-01T00:00:00Z', /in the future/],
  ])('rejects %s, saying what is valid', (text, message) => {
    const result = parseSince(text, now);
    expect(result.date).toBeUndefined();
    expect(result.error).toMatch(message);
  });
});
