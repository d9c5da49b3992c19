import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { packagePath } from './paths.js';

export type { Logger };

/**
 * pino is required on first use rather than imported: loading it costs ~25 ms of start-up that
 * `drp --help` and `drp validate`, which never log, should not pay (bench/startup.ts measures it).
 * pino is CommonJS, so a synchronous require gets the same module an import would.
 */
const requireHere = createRequire(packagePath('package.json'));
const loadPino = () => requireHere('pino') as typeof import('pino');

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
  const terminal = destination === 2 ? process.stderr : destination;
  const stream =
    isTerminal(terminal) && READABLE_LEVELS.has(level)
      ? { write: (record: string) => terminal.write(readableLine(record)) }
      : typeof destination === 'number'
        ? loadPino().destination({ fd: destination, sync: true })
        : destination;
  return loadPino().pino(
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

/**
 * At the default level a person at a terminal gets one readable line per warning or error, not a
 * JSON record; --log-level info, debug or trace (and any stderr that is not a terminal: CI, a file,
 * a pipe) keep pino's JSON for whoever digs.
 */
const READABLE_LEVELS: ReadonlySet<LogLevel> = new Set(['warn', 'error', 'fatal']);
const LEVEL_NAMES: Record<number, string> = { 60: 'fatal', 50: 'error', 40: 'warning', 30: 'info' };

const isTerminal = (s: NodeJS.WritableStream | number): s is NodeJS.WriteStream =>
  typeof s !== 'number' && (s as NodeJS.WriteStream).isTTY === true;

/** One pino record as `drp: warning (step): message: error`, control characters spelled out. */
export function readableLine(record: string): string {
  let r: { level?: number; msg?: string; step?: string; error?: string; err?: { message?: string } };
  try {
    r = JSON.parse(record) as typeof r;
  } catch {
    return record;
  }
  const level = LEVEL_NAMES[r.level ?? 40] ?? 'log';
  const why = r.error ?? r.err?.message;
  const text = `drp: ${level}${r.step ? ` (${r.step})` : ''}: ${r.msg ?? ''}${why ? `: ${why}` : ''}`;
  // eslint-disable-next-line no-control-regex
  return `${text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}\n`;
}

let silent: Logger | undefined;

/**
 * Quiet logger for tests and for code paths that run before options are parsed. Built on first
 * use (see `loadPino` above); methods are bound so pino's `this` is the real logger.
 */
export const silentLogger: Logger = new Proxy({} as Logger, {
  get(_target, property) {
    silent ??= loadPino().pino({ level: 'silent' });
    const value: unknown = Reflect.get(silent, property);
    return typeof value === 'function' ? value.bind(silent) : value;
  },
});
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
