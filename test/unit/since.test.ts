import { describe, expect, it } from 'vitest';
import { isSince, parseSince } from '../../src/since.js';

const now = new Date('2026-11-25T03:00:00.000Z');

// One grammar for --since and the runbooks' `since`: what the scan's grammar (30m/24h/7d/2w, ISO
// time, UTC date) and the evidence window's (7d/36h/90m, ISO time, date) each accepted.
describe('since', () => {
  it.each([
    // the scan's forms
    ['30m', '2026-11-25T02:30:00.000Z'],
    ['24h', '2026-11-24T03:00:00.000Z'],
    ['7d', '2026-11-18T03:00:00.000Z'],
    ['2w', '2026-11-11T03:00:00.000Z'],
    ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20T11:00:00+01:00', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    // the evidence window's forms
    ['36h', '2026-11-23T15:00:00.000Z'],
    ['90m', '2026-11-25T01:30:00.000Z'],
    ['2026-11-20T00:00:00Z', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T01:00:00+01:00', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T00:00:00.250Z', '2026-11-20T00:00:00.250Z'],
    // spaces around a value are ignored
    [' 7d ', '2026-11-18T03:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseSince(text, now).date?.toISOString()).toBe(iso);
    expect(isSince(text)).toBe(true);
  });

  it.each([
    ['yesterday', /^expected an ISO 8601 time with a zone .* or a duration back from now/],
    ['7 days', /expected/],
    ['7 d', /expected/],
    ['7', /expected/],
    ['7y', /expected/],
    ['1234567d', /expected/],
    ['2026-11-20T10:00:00', /expected/],
    ['2026-13-40', /expected/],
    ['2026-13-01', /expected/],
    ['0h', /^a duration is at least 1/],
    ['0d', /at least 1/],
  ])('rejects %s, saying what is valid', (text, message) => {
    const result = parseSince(text, now);
    expect(result.date).toBeUndefined();
    expect(result.error).toMatch(message);
    expect(isSince(text)).toBe(false);
  });

  it('refuses a start in the future, though its form is valid', () => {
    expect(parseSince('2026-12-01T00:00:00Z', now)).toEqual({ error: 'is in the future' });
    expect(isSince('2026-12-01T00:00:00Z')).toBe(true);
  });
});
