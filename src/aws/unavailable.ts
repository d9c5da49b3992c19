/**
 * An endpoint that does not serve an AWS operation at all: an emulator without the service (moto
 * answers Rekognition's DetectModerationLabels with an HTML error page), a route that does not
 * exist, or nothing listening. Kept apart from the service's own errors so a step can say "this
 * endpoint has no Rekognition" instead of showing a JSON parse error. No SDK import: steps use it.
 */
export class NotImplementedByEndpoint extends Error {
  override readonly name = 'NotImplementedByEndpoint';
  constructor(
    readonly service: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      isUnreachable(cause)
        ? `the ${service} endpoint is unreachable (${symptom(cause)})`
        : `the endpoint does not implement ${service} ${operation} (${symptom(cause)}); emulators such as ` +
            `moto lack it: run this against AWS, or an endpoint that implements ${service}`,
      { cause },
    );
  }
}

const NOT_IMPLEMENTED_CODES = new Set([
  'UnknownOperationException',
  'UnknownOperation',
  'InvalidAction',
  'NotImplemented',
  'NotImplementedException',
]);
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/;

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: unknown;
}

export const isUnreachable = (err: unknown) => {
  const e = (err ?? {}) as SdkErrorShape;
  return UNREACHABLE.test(`${e.code ?? ''} ${e.message ?? ''}`);
};

function symptom(err: unknown): string {
  const e = (err ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (isUnparsableReply(e)) return `HTTP ${status ?? '?'}, not an AWS reply`;
  if (isUnreachable(e)) return e.code ?? UNREACHABLE.exec(e.message ?? '')?.[0] ?? 'no answer';
  return `${e.name ?? 'Error'}${status ? `, HTTP ${status}` : ''}`;
}

// The SDK's deserializer failed on the body: the endpoint did not answer in the service's protocol.
const isUnparsableReply = (e: SdkErrorShape) =>
  e.$response !== undefined && /Deserialization error/.test(e.message ?? '');

/** Whether `err` says the endpoint lacks the operation (rather than the operation failing). */
export function isNotImplementedByEndpoint(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  return (
    NOT_IMPLEMENTED_CODES.has(e.name ?? '') ||
    status === 404 ||
    status === 501 ||
    isUnparsableReply(e) ||
    isUnreachable(e)
  );
}
