/** What a mutating port method returns: the request id AWS gave the call, for the journal. */
export interface Call {
  requestId?: string;
}

export const callOf = (output: { $metadata?: { requestId?: string } }): Call =>
  output.$metadata?.requestId ? { requestId: output.$metadata.requestId } : {};

/** AWS's "there is none" answers, which ports turn into `undefined`. */
export function isNotFound(err: unknown, ...codes: string[]): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return codes.includes(err.name) || (codes.length === 0 && status === 404);
}
