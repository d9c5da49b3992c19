/**
 * The time window evidence is preserved for: `since` is a duration back from now (7d, 36h, 90m)
 * or an ISO 8601 time with a zone. Kept free of dependencies: src/cli/values.ts checks --since with it,
 * and `drp --help` must not load zod.
 */
export const DURATION = /^(\d{1,5})([dhm])$/;
const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/;
export const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;

export const SINCE_HELP =
  'a duration back from now (7d, 36h, 90m) or an ISO 8601 time with a zone (2026-11-20T00:00:00Z, or a date 2026-11-20)';

export function isSince(value: string): boolean {
  return DURATION.test(value) || (ISO_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value)));
}
