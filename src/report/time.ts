import { UserError } from '../errors.js';

/**
 * GDPR Art. 33(1): notify the supervisory authority "without undue delay and, where feasible, not
 * later than 72 hours after having become aware of it". 72 hours of elapsed time: across a DST
 * change the local wall-clock time of the deadline moves by an hour, and the offsets shown say so.
 */
export const NOTIFICATION_HOURS = 72;
const HOUR_MS = 3_600_000;

export function notificationDeadline(detectedAt: string): string {
  return new Date(Date.parse(detectedAt) + NOTIFICATION_HOURS * HOUR_MS).toISOString();
}

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** An ISO 8601 time with a zone (`--now`), as a Date. */
export function parseInstant(value: string, flag: string): Date {
  const ms = Date.parse(value);
  if (!ISO_WITH_ZONE.test(value) || Number.isNaN(ms))
    throw new UserError(`${flag} ${value}: expected an ISO 8601 time with a zone, e.g. 2026-11-25T02:40:00Z`);
  return new Date(ms);
}

/** A journal time that parses, else undefined (journal fields are signed, not schema-checked). */
export function validTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The canonical IANA name of `--tz`, or a UserError saying what is valid. */
export function checkTimeZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new UserError(
      `--tz ${tz}: not an IANA time zone; use a name like Europe/Berlin, America/New_York or UTC`,
    );
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** "2026-03-30 12:00:00 UTC+02:00": the wall-clock time in `timeZone` and its offset at that instant. */
export function formatInZone(iso: string, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(iso))) parts[p.type] = p.value;
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : (parts.timeZoneName ?? '').replace(/^GMT/, '');
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} UTC${offset}`;
}

/** "2026-03-30 10:00:00 UTC". */
export const formatUtc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/** "47 h 05 min"; "12 d 03 h" from 100 hours on. */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  // Hours while the clock runs (it is counted in hours); days once it is long past.
  if (hours >= 100) return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "47 h 05 min left" or "OVERDUE by 3 h 10 min". */
export const describeTimeLeft = (remainingMs: number) =>
  remainingMs >= 0 ? `${formatSpan(remainingMs)} left` : `OVERDUE by ${formatSpan(remainingMs)}`;
