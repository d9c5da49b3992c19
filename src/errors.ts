/**
 * Two kinds of failure (GUIDE.md). A UserError is the operator's to fix: a bad flag, an invalid
 * runbook, a bucket that does not exist. It names the flag or field and what would be valid, and
 * is raised before anything in AWS changes: exit 2. Every other error keeps its cause: exit 1.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Further lines: one per problem, e.g. each validation issue of a runbook. */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/**
 * No region for the run: none given, or the one in AWS_REGION is not a region (the SDK then gives
 * none, and "no region is configured" would send the operator looking in the wrong place).
 */
export function noRegion(env: NodeJS.ProcessEnv = process.env): UserError {
  const given = env.AWS_REGION;
  return given
    ? new UserError(
        `AWS_REGION "${given}": not an AWS region (lowercase letters, digits and hyphens, e.g. us-east-1); fix it or pass --region`,
      )
    : new UserError('--region: no AWS region is configured; pass --region or set AWS_REGION');
}

export const isUserError = (err: unknown): err is UserError => err instanceof UserError;

/** Operation, AWS error code, message and request id of an SDK error, for people and the journal. */
export interface AwsErrorInfo {
  operation?: string;
  code: string;
  message: string;
  requestId?: string;
  httpStatus?: number;
}

export function describeError(err: unknown): AwsErrorInfo {
  if (!(err instanceof Error)) return { code: 'Error', message: String(err) };
  const meta = (err as { $metadata?: { requestId?: string; httpStatusCode?: number } }).$metadata;
  const info: AwsErrorInfo = { code: err.name, message: err.message };
  const operation = (err as { drpOperation?: string }).drpOperation;
  if (operation) info.operation = operation;
  if (meta?.requestId) info.requestId = meta.requestId;
  if (meta?.httpStatusCode) info.httpStatus = meta.httpStatusCode;
  return info;
}

/** One line: "S3.PutBucketPolicy: AccessDenied: Access Denied (request id ABC)". */
export function formatError(err: unknown): string {
  const e = describeError(err);
  const where = e.operation ? `${e.operation}: ` : '';
  const code = e.code === 'Error' || e.message.startsWith(e.code) ? '' : `${e.code}: `;
  const id = e.requestId ? ` (request id ${e.requestId})` : '';
  return `${where}${code}${e.message}${id}`;
}

/** The signals drp stops for gracefully: Ctrl-C (SIGINT) and a polite kill (SIGTERM). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The conventional exit status of a process stopped by a signal: 128 + its number. */
export const SIGNAL_EXIT: Record<StopSignal, 130 | 143> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The reason an interrupted run's AbortSignal carries: the operator pressed Ctrl-C (or the process
 * got SIGTERM). Work that honours the signal stops taking new items, lets the calls in flight
 * finish and record themselves, and throws this (or a StepFailure caused by it).
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
  }
}

/** The Interrupted that stopped `signal`, or one standing in for a reason that is not one. */
export function interruptedBy(signal: AbortSignal): Interrupted {
  return signal.reason instanceof Interrupted ? signal.reason : new Interrupted('SIGINT');
}

/** An AbortSignal that is never aborted: for work with nothing to interrupt it (plan, tests). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
