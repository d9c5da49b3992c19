/**
 * `--since`: which versions a scan covers. An absolute time (ISO 8601 with a zone, or a UTC date)
 * or a duration back from now (30m, 24h, 7d, 2w). Resolved once, in the plan, so the plan and
 * the apply cover the same window.
 */
export const SINCE_FORMS =
  'an ISO 8601 time with a zone (2026-11-25T02:40:00Z), a UTC date (2026-11-25), or a duration back from now (30m, 24h, 7d, 2w)';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d{1,6})([mhdw])$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const DATE = /^\d{4}-\d\d-\d\d$/;

export type SinceResult = { date: Date; error?: undefined } | { date?: undefined; error: string };

export function parseSince(text: string, now: Date): SinceResult {
  const value = text.trim();
  const duration = DURATION.exec(value);
  if (duration) {
    const amount = Number(duration[1]);
    if (amount === 0) return { error: `"${text}": a duration is at least 1 (e.g. 24h)` };
    return { date: new Date(now.getTime() - amount * UNIT_MS[duration[2]!]!) };
  }
  const ms =
    ISO_TIME.test(value) || DATE.test(value)
      ? Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value)
      : NaN;
  if (Number.isNaN(ms)) return { error: `"${text}": expected ${SINCE_FORMS}` };
  if (ms > now.getTime()) return { error: `"${text}": is in the future` };
  return { date: new Date(ms) };
}
