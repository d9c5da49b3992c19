import { pino, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured logs go to stderr, synchronously so that a crash or kill -9 loses nothing already
 * logged; stdout stays for the summary (or --output json). Never log a secret: the redact list
 * is a second line of defence for the access-key step, not the first.
 */
export function createLogger(
  level: LogLevel = 'warn',
  destination: NodeJS.WritableStream | number = 2,
): Logger {
  const stream =
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino(
    {
      name: 'drp',
      level,
      base: undefined,
      redact: {
        paths: ['*.SecretAccessKey', '*.secretAccessKey', 'SecretAccessKey', 'secretAccessKey'],
        censor: '[redacted]',
      },
    },
    stream,
  );
}

/** Quiet logger for tests and for code paths that run before options are parsed. */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * A failure the summary already explains: one readable line at `level` (the operator's stderr at
 * 3 a.m. is no place for a stack), and the whole error with its stack at debug for whoever digs.
 */
export function logFailure(
  log: Logger,
  level: 'warn' | 'error',
  fields: Record<string, unknown>,
  err: unknown,
  message: string,
): void {
  log[level](
    { ...fields, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
    message,
  );
  log.debug({ ...fields, err }, message);
}
