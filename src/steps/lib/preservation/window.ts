import * as z from 'zod';
import { UserError } from '../../../errors.js';
import { isSince, parseSince, SINCE_FORMS } from '../../../since.js';

export const Since = z.string().refine(isSince, `since is ${SINCE_FORMS}`);

export interface Window {
  start: Date;
  end: Date;
}

/** The window from `since` to now; a start in the future is a user error naming `field`. */
export function windowOf(since: string, now: Date, field = 'since'): Window {
  const { date, error } = parseSince(since, now);
  if (!date) throw new UserError(`${field} ${since}: ${error}`);
  return { start: date, end: now };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Each UTC day the window touches, as [YYYY, MM, DD], oldest first. */
export function daysOf({ start, end }: Window): [string, string, string][] {
  const days: [string, string, string][] = [];
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  for (; day.getTime() <= end.getTime(); day.setUTCDate(day.getUTCDate() + 1))
    days.push([String(day.getUTCFullYear()), pad(day.getUTCMonth() + 1), pad(day.getUTCDate())]);
  return days;
}

/** "2026-11-25T03:00Z" for plans and notes: minutes are precise enough for a person. */
export const shortTime = (d: Date) => `${d.toISOString().slice(0, 16)}Z`;

export const describeWindow = (w: Window) => `${shortTime(w.start)} to ${shortTime(w.end)}`;
