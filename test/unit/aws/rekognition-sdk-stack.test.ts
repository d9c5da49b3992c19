import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientOptions, instrument } from '../../../src/aws/config.js';
import { createRekognitionPort } from '../../../src/aws/rekognition.js';
import { NotImplementedByEndpoint } from '../../../src/aws/unavailable.js';

// No aws-sdk-client-mock in this file: it replaces `send` on every RekognitionClient, which would
// skip the very retry and parsing middleware tested here.
interface FakeReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * A real client with drp's options (adaptive retries, 8 attempts) whose HTTP layer answers from a
 * script. aws-sdk-client-mock replaces `send` and so skips the SDK's retry middleware: retries
 * and reply parsing can only be tested below it, at the request handler.
 */
function scriptedClient(replies: FakeReply[], maxAttempts?: number) {
  const requests: string[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      const body =
        typeof request.body === 'string'
          ? request.body
          : new TextDecoder().decode(request.body as Uint8Array);
      requests.push(`${request.headers['x-amz-target']} ${body}`);
      const reply = replies.shift() ?? { status: 500, body: 'script exhausted' };
      return {
        response: {
          statusCode: reply.status,
          headers: { 'content-type': 'application/x-amz-json-1.1', ...reply.headers },
          body: new TextEncoder().encode(reply.body),
        },
      };
    },
  };
  const client = instrument(
    new RekognitionClient({
      ...clientOptions({ region: 'us-east-1' }, {}),
      ...(maxAttempts ? { maxAttempts } : {}),
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler,
    }),
    false,
  );
  return { port: createRekognitionPort(client), requests };
}

const throttled: FakeReply = {
  status: 400,
  headers: { 'x-amzn-errortype': 'ThrottlingException' },
  body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
};
const labels: FakeReply = {
  status: 200,
  body: JSON.stringify({
    ModerationLabels: [{ Name: 'Nudity', ParentName: 'Explicit Nudity', Confidence: 97.5 }],
    ModerationModelVersion: '7.0',
  }),
};

describe('Rekognition port over the real SDK stack', () => {
  // The SDK's backoff and its adaptive rate limiter wait on timers: fake ones keep this instant.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Advances the SDK's timers until the call settles. Between its timers the SDK also does real
   * async work (module loading, hashing), so each round yields to the real event loop first.
   */
  async function settle<T>(call: Promise<T>): Promise<T | unknown> {
    let settled = false;
    const outcome = call.then(
      (value) => value,
      (err: unknown) => err,
    );
    void outcome.finally(() => (settled = true));
    for (let round = 0; !settled && round < 10_000; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(100);
    }
    return outcome;
  }

  it('rides out throttling: the SDK retries ThrottlingException and the labels come back', async () => {
    const { port, requests } = scriptedClient([throttled, throttled, labels]);
    const result = await settle(port.detectModerationLabels('media', 'a.jpg', 'v1', 80));
    expect(result).toEqual({
      labels: [{ name: 'Nudity', parent: 'Explicit Nudity', confidence: 97.5 }],
      modelVersion: '7.0',
    });
    expect(requests).toHaveLength(3);
    expect(JSON.parse(requests[2]!.replace(/^\S+ /, ''))).toEqual({
      Image: { S3Object: { Bucket: 'media', Name: 'a.jpg', Version: 'v1' } },
      MinConfidence: 80,
    });
  });

  it('reads an HTML error page (moto: "action has not been implemented") as an endpoint without Rekognition', async () => {
    const { port } = scriptedClient([{ status: 500, body: '<!doctype html><title>500</title>' }], 1);
    const err = await settle(port.detectModerationLabels('media', 'a.jpg', 'v1', 80));
    expect(err).toBeInstanceOf(NotImplementedByEndpoint);
    expect((err as Error).message).toMatch(
      /^the endpoint does not implement Rekognition DetectModerationLabels \(HTTP 500, not an AWS reply\); .*run this against AWS/,
    );
  });

  it('keeps a real Rekognition error as it is', async () => {
    const { port } = scriptedClient([
      {
        status: 400,
        headers: { 'x-amzn-errortype': 'InvalidImageFormatException' },
        body: JSON.stringify({ __type: 'InvalidImageFormatException', message: 'bad image' }),
      },
    ]);
    const err = await settle(port.detectModerationLabels('media', 'a.jpg', 'v1', 80));
    expect(err).toMatchObject({ name: 'InvalidImageFormatException' });
  });
});
