/** A failure a step finds itself (before or instead of AWS): a code, and what to do. */
export class IsolationError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/**
 * An AWS error with what to do appended, keeping AWS's error code, the operation and the request
 * id (formatError and the journal read those), and the original as its cause.
 */
export function explain(err: unknown, hint: string | undefined): unknown {
  if (!(err instanceof Error) || !hint) return err;
  const explained = new Error(`${err.message.replace(/\.?\s*$/, '.')} ${hint}`, { cause: err });
  explained.name = err.name;
  const { drpOperation, $metadata } = err as { drpOperation?: string; $metadata?: unknown };
  return Object.assign(explained, drpOperation ? { drpOperation } : {}, $metadata ? { $metadata } : {});
}

/** AWS's answer when the credentials may not make the call. */
export const isAccessDenied = (err: unknown) =>
  err instanceof Error &&
  /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|WAFAccessDenied)/.test(err.name);
