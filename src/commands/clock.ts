import { UserError } from '../errors.js';
import type { CommandEnv } from './env.js';

/**
 * --detected-at: when the incident was detected, the start of GDPR Art. 33's 72 hours. An ISO
 * 8601 time with a zone, or how long ago: 45m, 2h, 1d, 1h30m (the form a person says on a call).
 */
export const DETECTED_AT_FORMS =
  'an ISO 8601 time with a zone (2026-11-25T02:40:00Z, 2026-11-25T03:40:00+01:00) or how long ago (45m, 2h, 1h30m, 1d)';

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const AGO = /^(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?$/;
/** A clock a few minutes ahead of AWS's is not a detection in the future. */
const SKEW_MS = 5 * 60_000;

/** The detection time in UTC, or a UserError naming --detected-at and the forms it takes. */
export function checkDetectedAt(value: string, now: Date, flag = '--detected-at'): string {
  const text = value.trim();
  const ago = AGO.exec(text);
  if (ago && text !== '') {
    const [, d = '0', h = '0', m = '0'] = ago;
    const ms = ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000;
    if (ms === 0) throw new UserError(`${flag} ${value}: a duration is at least 1 minute (e.g. 45m)`);
    return new Date(now.getTime() - ms).toISOString();
  }
  const ms = Date.parse(text);
  if (!ISO_WITH_ZONE.test(text) || Number.isNaN(ms))
    throw new UserError(`${flag} ${value}: expected ${DETECTED_AT_FORMS}`);
  if (ms > now.getTime() + SKEW_MS) throw new UserError(`${flag} ${value}: is in the future`);
  return new Date(ms).toISOString();
}

/** When detection happened, and whether a person said so (else the run's start stands in). */
export interface DetectionTime {
  detectedAt: string;
  given: boolean;
}

/** The warning a person sees when no detection time was given: the clock then starts too late. */
export const notGivenWarning = (startedAt: string) =>
  `detection time not given: the clock starts at this run (${startedAt}), which is later than the real detection; ` +
  'pass --detected-at (e.g. --detected-at 45m, or an ISO time) so the 72-hour GDPR deadline is right';

/**
 * The detection time of a run: --detected-at, else on a terminal the answer to a question (Enter
 * keeps the run's start), else the run's start, flagged as not given. A wrong answer is asked again.
 */
export async function detectionTime(
  flag: string | undefined,
  startedAt: Date,
  env: Pick<CommandEnv, 'ask' | 'stdinIsTTY' | 'notice'>,
  ask: boolean,
): Promise<DetectionTime> {
  if (flag !== undefined) return { detectedAt: checkDetectedAt(flag, startedAt), given: true };
  const fallback = { detectedAt: startedAt.toISOString(), given: false };
  if (!ask || !env.stdinIsTTY || !env.ask) return fallback;
  for (let tries = 0; tries < 3; tries++) {
    const answer = await env.ask(
      'When was the incident detected? The 72-hour GDPR clock starts then. An ISO time or how long ago (e.g. 45m); Enter: now: ',
    );
    if (answer === undefined || answer.trim() === '') return fallback;
    try {
      return { detectedAt: checkDetectedAt(answer, startedAt, 'detection time'), given: true };
    } catch (err) {
      env.notice(`drp: ${(err as Error).message}`);
    }
  }
  return fallback;
}
