import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  checkTimeZone,
  describeTimeLeft,
  formatInZone,
  formatUtc,
  notificationDeadline,
  parseInstant,
  validTime,
} from '../../../src/report/time.js';

describe('notification deadline', () => {
  it('is 72 hours of elapsed time after detection', () => {
    expect(notificationDeadline('2026-11-25T02:40:00.000Z')).toBe('2026-11-28T02:40:00.000Z');
    expect(notificationDeadline('2026-02-27T12:00:00.000Z')).toBe('2026-03-02T12:00:00.000Z');
  });

  // 2026: Berlin springs forward on 29 March (01:00 UTC) and falls back on 25 October (01:00 UTC).
  it('crosses the spring DST change in Europe/Berlin: 11:00 CET becomes 12:00 CEST', () => {
    const detected = '2026-03-27T10:00:00.000Z';
    const deadline = notificationDeadline(detected);
    expect(deadline).toBe('2026-03-30T10:00:00.000Z');
    expect(formatInZone(detected, 'Europe/Berlin')).toBe('2026-03-27 11:00:00 UTC+01:00');
    expect(formatInZone(deadline, 'Europe/Berlin')).toBe('2026-03-30 12:00:00 UTC+02:00');
  });

  it('crosses the autumn DST change in Europe/Berlin: 10:00 CEST becomes 09:00 CET', () => {
    const deadline = notificationDeadline('2026-10-23T08:00:00.000Z');
    expect(formatInZone('2026-10-23T08:00:00.000Z', 'Europe/Berlin')).toBe('2026-10-23 10:00:00 UTC+02:00');
    expect(formatInZone(deadline, 'Europe/Berlin')).toBe('2026-10-26 09:00:00 UTC+01:00');
  });

  // 2026: New York springs forward on 8 March (07:00 UTC) and falls back on 1 November (06:00 UTC).
  it('crosses the spring DST change in America/New_York: 10:00 EST becomes 11:00 EDT', () => {
    const deadline = notificationDeadline('2026-03-06T15:00:00.000Z');
    expect(formatInZone('2026-03-06T15:00:00.000Z', 'America/New_York')).toBe(
      '2026-03-06 10:00:00 UTC-05:00',
    );
    expect(formatInZone(deadline, 'America/New_York')).toBe('2026-03-09 11:00:00 UTC-04:00');
  });

  it('crosses the autumn DST change in America/New_York: 10:00 EDT becomes 09:00 EST', () => {
    const deadline = notificationDeadline('2026-10-30T14:00:00.000Z');
    expect(formatInZone(deadline, 'America/New_York')).toBe('2026-11-02 09:00:00 UTC-05:00');
  });

  it('tells apart the two 02:30s of the night Berlin falls back, by their offsets', () => {
    expect(formatInZone('2026-10-25T00:30:00.000Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 UTC+02:00');
    expect(formatInZone('2026-10-25T01:30:00.000Z', 'Europe/Berlin')).toBe('2026-10-25 02:30:00 UTC+01:00');
  });

  it('shows UTC with a zero offset, and half-hour zones with theirs', () => {
    expect(formatInZone('2026-11-25T02:40:05.123Z', 'UTC')).toBe('2026-11-25 02:40:05 UTC+00:00');
    expect(formatInZone('2026-11-25T02:40:00.000Z', 'Asia/Kolkata')).toBe('2026-11-25 08:10:00 UTC+05:30');
    expect(formatUtc('2026-11-25T02:40:05.123Z')).toBe('2026-11-25 02:40:05 UTC');
  });
});

describe('time left', () => {
  it('counts hours and minutes left, and overdue time', () => {
    expect(describeTimeLeft(47 * 3_600_000 + 5 * 60_000 + 59_000)).toBe('47 h 05 min left');
    expect(describeTimeLeft(-(3 * 3_600_000 + 10 * 60_000))).toBe('OVERDUE by 3 h 10 min');
    expect(describeTimeLeft(30_000)).toBe('under a minute left');
    expect(describeTimeLeft(-(7819 * 3_600_000 + 38 * 60_000))).toBe('OVERDUE by 325 d 19 h');
  });
});

describe('time inputs', () => {
  it('accepts IANA zones (canonical name) and refuses others with exit-2 errors naming --tz', () => {
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('utc')).toBe('UTC');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(UserError);
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/--tz Mars\/Olympus: not an IANA time zone/);
  });

  it('parses --now only with a zone', () => {
    expect(parseInstant('2026-11-25T04:40:00+01:00', '--now').toISOString()).toBe('2026-11-25T03:40:00.000Z');
    expect(() => parseInstant('2026-11-25T04:40:00', '--now')).toThrow(
      /--now 2026-11-25T04:40:00: expected an ISO 8601/,
    );
  });

  it('treats an unparseable journal time as missing', () => {
    expect(validTime('2026-11-25T02:40:00Z')).toBe('2026-11-25T02:40:00.000Z');
    expect(validTime('yesterday')).toBeUndefined();
    expect(validTime(42)).toBeUndefined();
  });
});
