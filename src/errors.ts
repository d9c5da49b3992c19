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
