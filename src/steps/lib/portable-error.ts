import { describeError, type AwsErrorInfo } from '../../errors.js';

/**
 * An error as it crosses from a worker thread to the main thread. Structured cloning keeps an
 * Error's message but not its AWS code (its name), operation or request id, which the journal and
 * the summary show ("S3.PutObjectLegalHold: AccessDenied: Access Denied (request id ...)"): the
 * worker sends this description instead, and the main thread rebuilds an error that reads the same.
 */
export type PortableError = AwsErrorInfo;

export const portableError = (err: unknown): PortableError => describeError(err);

/** An Error that describeError and formatError read exactly as the original. */
export function errorFrom(info: PortableError): Error {
  const error = new Error(info.message);
  Object.defineProperty(error, 'name', { value: info.code, enumerable: false, configurable: true });
  if (info.operation) Object.assign(error, { drpOperation: info.operation });
  if (info.requestId || info.httpStatus)
    Object.assign(error, {
      $metadata: {
        ...(info.requestId ? { requestId: info.requestId } : {}),
        ...(info.httpStatus ? { httpStatusCode: info.httpStatus } : {}),
      },
    });
  return error;
}

/** The error a failed outcome stands for: the SDK's own when it is at hand, else one rebuilt from what a worker sent. */
export function errorOfOutcome(o: { code: string; message: string; error?: unknown }): unknown {
  if (o.error instanceof Error) return o.error;
  return errorFrom((o.error as PortableError | undefined) ?? { code: o.code, message: o.message });
}

/** A failed outcome of one item's work: what the journal says of its error, and the error itself. */
export interface Failed {
  result: 'failed';
  code: string;
  message: string;
  /** The SDK's own error in the main thread; its portable description once it crossed from a worker. */
  error?: unknown;
}

/** The failed outcome `err` makes (work functions return it, never throw, so that a worker can post it). */
export function failedWith(err: unknown): Failed {
  const code = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return { result: 'failed', code, message, error: err };
}
