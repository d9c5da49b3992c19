/**
 * `since`: where a time window starts, as `--since` and the runbooks' `since` param give it. One
 * grammar for the scan (which versions it covers) and for evidence preservation (how far back logs
 * are kept):
 *
 * - a duration back from now: 1 to 6 digits, then m (minutes), h (hours), d (days) or w (weeks):
 *   90m, 36h, 7d, 2w; at least 1;
 * - an ISO 8601 time with a zone: 2026-11-25T02:40:00Z, 2026-11-25T03:40:00+01:00;
 * - a UTC date, meaning its midnight UTC: 2026-11-25.
 *
 * Surrounding spaces are ignored; a start in the future is refused. A step resolves it once, in its
 * plan, so the plan and the apply cover the same window. Kept free of dependencies: src/cli checks
 * --since with it, and `drp --help` must not load zod.
 */
export const SINCE_FORMS =
  'an ISO 8601 time with a zone (2026-11-25T02:40:00Z), a UTC date (2026-11-25), or a duration back from now (30m, 24h, 7d, 2w)';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d{1,6})([mhdw])$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const DATE = /^\d{4}-\d\d-\d\d$/;

/** The start, or what is wrong (without the value: each caller names its flag or field). */
export type SinceResult = { date: Date; error?: undefined } | { date?: undefined; error: string };

export function parseSince(text: string, now: Date): SinceResult {
  const value = text.trim();
  const duration = DURATION.exec(value);
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) return { error: 'a duration is at least 1 (e.g. 24h)' };
    return { date: new Date(now.getTime() - amount * UNIT_MS[duration[2]!]!) };
  }
  const ms =
    ISO_TIME.test(value) || DATE.test(value)
      ? Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value)
      : NaN;
  if (Number.isNaN(ms)) return { error: `expected ${SINCE_FORMS}` };
  if (ms > now.getTime()) return { error: 'is in the future' };
  return { date: new Date(ms) };
}

/** The grammar alone, with no clock: what a flag parser or a schema can check before the run. */
export const isSince = (text: string): boolean => {
  const result = parseSince(text, new Date(8.64e15));
  return result.error === undefined;
};
