import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../../../src/aws/config.js';
import { describeError, formatError } from '../../../../src/errors.js';
import { errorFrom, errorOfOutcome, portableError } from '../../../../src/steps/lib/portable-error.js';
import type { FromWorker, ToWorker } from '../../../../src/steps/lib/worker-protocol.js';
import { serveWork } from '../../../../src/steps/lib/worker-serve.js';

// The worker side of the pool over a MessageChannel in this thread: what a worker thread runs,
// without starting one (worker-pool.test.ts starts real ones).

const ports: MessagePort[] = [];
afterEach(() => ports.splice(0).forEach((p) => p.close()));

/** A served worker: `to` sends it messages, `messages` collects what it sent back. */
function served(
  work: (item: number, credentials: () => Promise<AwsCredentials>) => Promise<unknown>,
  start: { concurrency: number; credentials?: AwsCredentials },
) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const messages: FromWorker[] = [];
  port1.on('message', (m: FromWorker) => messages.push(m));
  serveWork<null>((_setup, credentials) => (item: never) => work(item as number, credentials), port2, {
    setup: null,
    ...start,
  });
  const to = (m: ToWorker) => port1.postMessage(m);
  const until = async (ready: () => boolean) => {
    for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 2));
    expect(ready()).toBe(true);
  };
  const answers = () => messages.flatMap((m) => (m.type === 'answers' ? m.answers : []));
  return { to, messages, until, answers, port: port1 };
}

const soon = (ms: number) => new Date(Date.now() + ms);

describe('serveWork', () => {
  it('runs at most `concurrency` items at once, and answers each by its id', async () => {
    let running = 0;
    let peak = 0;
    const w = served(
      async (n) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 3));
        running--;
        return n * 2;
      },
      { concurrency: 3 },
    );
    w.to({ type: 'work', items: Array.from({ length: 12 }, (_, i) => ({ id: 100 + i, item: i })) });
    await w.until(() => w.answers().length === 12);
    expect(peak).toBe(3);
    expect(
      w
        .answers()
        .map((a) => ('outcome' in a ? [a.id, a.outcome] : []))
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => [100 + i, i * 2]).sort());
  });

  it('on stop, answers the queued items as skipped and lets the running ones finish', async () => {
    const w = served(() => new Promise((r) => setTimeout(() => r('done'), 20)), { concurrency: 2 });
    w.to({ type: 'work', items: Array.from({ length: 10 }, (_, i) => ({ id: i, item: i })) });
    w.to({ type: 'stop' });
    await w.until(() => w.answers().length === 2);
    const skipped = w.messages.flatMap((m) => (m.type === 'skipped' ? m.ids : []));
    expect(skipped.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(
      w
        .answers()
        .map((a) => a.id)
        .sort(),
    ).toEqual([0, 1]);
  });

  it('near their expiry, asks the main thread once for all the calls, signing with the current ones meanwhile', async () => {
    const first = { accessKeyId: 'AKIA1', secretAccessKey: 's1', expiration: soon(120_000) };
    const fresh = { accessKeyId: 'AKIA2', secretAccessKey: 's2', expiration: soon(3_600_000) };
    const w = served(async (_n, credentials) => (await credentials()).accessKeyId, {
      concurrency: 4,
      credentials: first,
    });
    let answer!: () => void;
    w.port.on('message', (m: FromWorker) => {
      if (m.type === 'credentials')
        answer = () => w.to({ type: 'credentials', seq: m.seq, credentials: fresh });
    });
    w.to({ type: 'work', items: [0, 1, 2, 3].map((i) => ({ id: i, item: i })) });
    await w.until(() => w.answers().length === 4);
    expect(w.messages.filter((m) => m.type === 'credentials')).toHaveLength(1);
    expect(w.answers().map((a) => ('outcome' in a ? a.outcome : undefined))).toEqual([
      'AKIA1',
      'AKIA1',
      'AKIA1',
      'AKIA1',
    ]);
    answer();
    await new Promise((r) => setTimeout(r, 20));
    w.to({ type: 'work', items: [{ id: 4, item: 4 }] });
    await w.until(() => w.answers().length === 5);
    expect(w.answers()[4]).toEqual({ id: 4, outcome: 'AKIA2' });
  });

  it('does not sign with credentials about to expire: the calls wait for the fresh ones', async () => {
    const first = { accessKeyId: 'AKIA1', secretAccessKey: 's1', expiration: soon(5_000) };
    const fresh = { accessKeyId: 'AKIA2', secretAccessKey: 's2', expiration: soon(3_600_000) };
    const w = served(async (_n, credentials) => (await credentials()).accessKeyId, {
      concurrency: 3,
      credentials: first,
    });
    w.port.on('message', (m: FromWorker) => {
      if (m.type === 'credentials') w.to({ type: 'credentials', seq: m.seq, credentials: fresh });
    });
    w.to({ type: 'work', items: [0, 1, 2].map((i) => ({ id: i, item: i })) });
    await w.until(() => w.answers().length === 3);
    expect(w.messages.filter((m) => m.type === 'credentials')).toHaveLength(1);
    expect(w.answers().map((a) => ('outcome' in a ? a.outcome : undefined))).toEqual([
      'AKIA2',
      'AKIA2',
      'AKIA2',
    ]);
  });

  it("answers the calls waiting with the main thread's failure to refresh, as an error the journal reads", async () => {
    const w = served(async (_n, credentials) => (await credentials()).accessKeyId, {
      concurrency: 1,
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's1', expiration: soon(1_000) },
    });
    w.port.on('message', (m: FromWorker) => {
      if (m.type === 'credentials')
        w.to({
          type: 'credentials',
          seq: m.seq,
          error: { code: 'ExpiredToken', message: 'role session expired', operation: 'STS.AssumeRole' },
        });
    });
    w.to({ type: 'work', items: [{ id: 0, item: 0 }] });
    await w.until(() => w.answers().length === 1);
    expect(w.answers()[0]).toEqual({
      id: 0,
      error: { code: 'ExpiredToken', message: 'role session expired', operation: 'STS.AssumeRole' },
    });
  });

  it('keeps credentials that are far from expiry without asking', async () => {
    const w = served(async (_n, credentials) => (await credentials()).accessKeyId, {
      concurrency: 1,
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's1', expiration: soon(3_600_000) },
    });
    w.to({ type: 'work', items: [{ id: 0, item: 0 }] });
    await w.until(() => w.answers().length === 1);
    expect(w.messages.some((m) => m.type === 'credentials')).toBe(false);
  });

  it("answers a work function's throw as a portable error", async () => {
    const w = served(
      async () => {
        throw Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          drpOperation: 'S3.PutObjectLegalHold',
        });
      },
      { concurrency: 1 },
    );
    w.to({ type: 'work', items: [{ id: 7, item: 0 }] });
    await w.until(() => w.answers().length === 1);
    expect(w.answers()[0]).toEqual({
      id: 7,
      error: { code: 'AccessDenied', message: 'Access Denied', operation: 'S3.PutObjectLegalHold' },
    });
  });
});

describe('an error crossing threads', () => {
  it('reads the same in the journal and the summary after the crossing: operation, code, message, request id', () => {
    const sdk = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503, requestId: 'REQ123' },
      message: 'Please reduce your request rate.',
    });
    Object.assign(sdk, { drpOperation: 'S3.PutObjectLegalHold' });
    const crossed = errorFrom(structuredClone(portableError(sdk)));
    expect(formatError(crossed)).toBe(formatError(sdk));
    expect(formatError(crossed)).toBe(
      'S3.PutObjectLegalHold: SlowDown: Please reduce your request rate. (request id REQ123)',
    );
    expect(describeError(crossed)).toEqual(describeError(sdk));
  });

  it("stands a failed outcome for the SDK's own error in the main thread, for a rebuilt one after a crossing", () => {
    const own = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    expect(errorOfOutcome({ code: 'AccessDenied', message: 'denied', error: own })).toBe(own);
    const rebuilt = errorOfOutcome({ code: 'AccessDenied', message: 'denied', error: portableError(own) });
    expect(formatError(rebuilt)).toBe('AccessDenied: denied');
  });
});
