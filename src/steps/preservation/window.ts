import * as z from 'zod';
import { UserError } from '../../errors.js';
import { DURATION, isSince, SINCE_HELP, UNIT_MS } from './since.js';

export const Since = z.string().refine(isSince, `since is ${SINCE_HELP}`);

export interface Window {
  start: Date;
  end: Date;
}

/** The window from `since` to now; a start in the future is a user error naming `field`. */
export function windowOf(since: string, now: Date, field = 'since'): Window {
  const duration = DURATION.exec(since);
  const start = duration
    ? new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS])
    : new Date(Date.parse(since));
  if (Number.isNaN(start.getTime())) throw new UserError(`${field} ${since}: expected ${SINCE_HELP}`);
  if (start.getTime() > now.getTime()) throw new UserError(`${field} ${since}: is in the future`);
  return { start, end: now };
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
