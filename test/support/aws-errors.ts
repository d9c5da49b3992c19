import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsOperation } from './aws-operation.js';

/**
 * AWS's error answers, well-formed for each protocol, so that the SDK names and classifies them
 * exactly as it does AWS's own: S3's REST-XML <Error>, the query protocol's <ErrorResponse> (IAM,
 * STS), and the JSON protocol's x-amzn-ErrorType and __type (Organizations).
 */
export type ErrorKind = 'slowdown' | 'internal' | 'throttling';

interface ErrorShape {
  status: number;
  code: string;
  message: string;
  /** Query protocol: who is at fault. */
  type: 'Sender' | 'Receiver';
}

const SHAPES: Record<ErrorKind, Record<AwsOperation['protocol'], ErrorShape>> = {
  slowdown: {
    'rest-xml': {
      status: 503,
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
      type: 'Receiver',
    },
    query: { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable', type: 'Receiver' },
    json: {
      status: 503,
      code: 'ServiceUnavailableException',
      message: 'Service unavailable',
      type: 'Receiver',
    },
  },
  internal: {
    'rest-xml': {
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
      type: 'Receiver',
    },
    query: { status: 500, code: 'InternalFailure', message: 'Internal failure', type: 'Receiver' },
    json: { status: 500, code: 'ServiceException', message: 'Internal failure', type: 'Receiver' },
  },
  throttling: {
    'rest-xml': { status: 400, code: 'ThrottlingException', message: 'Rate exceeded', type: 'Sender' },
    query: { status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' },
    json: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded', type: 'Sender' },
  },
};

export function sendError(res: ServerResponse, req: IncomingMessage, op: AwsOperation, kind: ErrorKind) {
  const shape = SHAPES[kind][op.protocol];
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  if (op.protocol === 'json') {
    res.writeHead(shape.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': shape.code,
    });
    res.end(JSON.stringify({ __type: shape.code, message: shape.message }));
    return;
  }
  if (op.protocol === 'query') {
    res.writeHead(shape.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${shape.type}</Type>` +
        `<Code>${shape.code}</Code><Message>${shape.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
    return;
  }
  // S3 answers HEAD with a status and no body: a 400 there would be an unnamed BadRequest, which
  // AWS never sends for throttling, so HEAD gets S3's 503 SlowDown.
  if (req.method === 'HEAD') {
    res.writeHead(503, { 'x-amz-request-id': requestId });
    res.end();
    return;
  }
  res.writeHead(shape.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${shape.code}</Code><Message>${shape.message}</Message>` +
      `<RequestId>${requestId}</RequestId><HostId>${randomBytes(12).toString('base64')}</HostId></Error>`,
  );
}
