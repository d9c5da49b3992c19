import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendError } from './aws-errors.js';
import { operationOf, type AwsOperation } from './aws-operation.js';

/**
 * An HTTP proxy in front of the emulator that fails requests the way AWS does: 503 SlowDown,
 * 500 InternalError, 400 throttling, a reset connection, or a slow answer. Each error is
 * well-formed for its protocol, so the SDK classifies it exactly as it would AWS's own (retryable
 * throttling or transient), and drp's retries are what is tested, not the proxy's quirks.
 *
 * A fault is decided before the request is forwarded: a failed request never reaches the emulator,
 * so "every version held exactly once" can be counted here from the requests that did.
 */
export type FaultKind = 'slowdown' | 'internal' | 'throttling' | 'reset' | 'delay';
export const FAULT_KINDS: readonly FaultKind[] = ['slowdown', 'internal', 'throttling', 'reset', 'delay'];

export interface FaultPlan {
  /** Share of requests (0..1) that get one of `kinds` (a kind listed twice is drawn twice as often). */
  rate: number;
  /** Seed of the PRNG choosing which requests fail and how: the same seed, the same faults. */
  seed: number;
  kinds: readonly FaultKind[];
  /** Every request of this operation ("S3.PutObjectLegalHold") fails with `failWith`. */
  failOperation?: string;
  failWith: Exclude<FaultKind, 'delay'>;
  /**
   * Requests of this operation, from its `holdFrom`-th on (default the first), wait until
   * release(): a run that is reliably still going, or stopped exactly there to be killed.
   */
  holdOperation?: string;
  holdFrom?: number;
  /** Longest delay of a 'delay' fault. */
  maxDelayMs: number;
  /**
   * Operations never faulted: those the emulator does not implement. moto answers LookupEvents
   * with an HTML 500 every time, which the SDK retries to its last attempt; a fault drawn for that
   * attempt would turn "not available here" into a throttle, and which attempt draws one depends
   * only on how many requests came before.
   */
  spare?: readonly string[];
}

export interface FaultStats {
  requests: number;
  faults: Record<FaultKind, number>;
  /** Requests per operation name, faulted or not. */
  operations: Map<string, number>;
  /** Requests waiting at the hold (holdOperation) now. */
  held: number;
  /** Requests the proxy is still working on (held, delayed, or at the emulator), answered or not. */
  busy: number;
}

export interface FaultProxy {
  url: string;
  stats: FaultStats;
  /** Successful PutObjectLegalHold (status ON, 200 from the emulator) per `${key}\n${versionId}`. */
  legalHolds: Map<string, number>;
  /** A new plan and fresh counters (between scenarios). */
  configure(plan: Partial<FaultPlan>): void;
  /**
   * Lets held requests (holdOperation) through, and every later one; with `forward: false` the
   * held ones are dropped instead (their connection reset), as if they never left the client.
   */
  release(options?: { forward: boolean }): void;
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const emptyStats = (): FaultStats => ({
  requests: 0,
  faults: { slowdown: 0, internal: 0, throttling: 0, reset: 0, delay: 0 },
  operations: new Map(),
  held: 0,
  busy: 0,
});

export async function startFaultProxy(target: string, initial: Partial<FaultPlan> = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  let plan: FaultPlan;
  let random: () => number;
  let gate: { promise: Promise<boolean>; open: (forward: boolean) => void } | undefined;
  const proxy = { stats: emptyStats(), legalHolds: new Map<string, number>() };

  const configure = (next: Partial<FaultPlan>) => {
    plan = { rate: 0, seed: 1, kinds: FAULT_KINDS, failWith: 'slowdown', maxDelayMs: 300, ...next };
    random = seededRandom(plan.seed);
    proxy.stats = emptyStats();
    proxy.legalHolds = new Map();
    let open: (forward: boolean) => void = () => {};
    const promise = new Promise<boolean>((resolve) => (open = resolve));
    gate = plan.holdOperation ? { promise, open } : undefined;
  };
  configure(initial);

  /** Sends the request on to the emulator; settles once the emulator has answered (or failed). */
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, op: AwsOperation) =>
    new Promise<void>((settle) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const status = answer.statusCode ?? 502;
            if (
              op.name === 'S3.PutObjectLegalHold' &&
              status === 200 &&
              /<Status>ON<\/Status>/.test(body.toString())
            ) {
              const id = `${op.key}\n${op.versionId ?? 'null'}`;
              proxy.legalHolds.set(id, (proxy.legalHolds.get(id) ?? 0) + 1);
            }
            // The client may be gone (killed while its request was held): the emulator still acted.
            if (!res.destroyed) {
              res.writeHead(status, answer.headers);
              res.end(Buffer.concat(chunks));
            }
            settle();
          });
        },
      );
      out.on('error', (err) => {
        if (!res.destroyed) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`fault proxy: emulator unreachable: ${err.message}`);
        }
        settle();
      });
      out.end(body);
    });

  const server = createServer((req, res) => {
    const { stats: counted } = proxy;
    counted.busy++;
    void (async () => {
      const body = await readBody(req);
      const op = operationOf(
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
        body,
      );
      const { stats } = proxy;
      stats.requests++;
      stats.operations.set(op.name, (stats.operations.get(op.name) ?? 0) + 1);
      if (gate && op.name === plan.holdOperation && stats.operations.get(op.name)! >= (plan.holdFrom ?? 1)) {
        stats.held++;
        const forward = await gate.promise;
        stats.held--;
        if (!forward) return req.socket.destroy();
      }
      const kind: FaultKind | undefined =
        op.name === plan.failOperation
          ? plan.failWith
          : plan.spare?.includes(op.name)
            ? undefined
            : random() < plan.rate
              ? plan.kinds[Math.floor(random() * plan.kinds.length)]
              : undefined;
      if (kind) stats.faults[kind]++;
      if (kind === 'reset') return req.socket.destroy();
      if (kind === 'delay') await new Promise((resume) => setTimeout(resume, random() * plan.maxDelayMs));
      if (kind && kind !== 'delay') return sendError(res, req, op, kind);
      await forward(req, res, body, op);
    })()
      .catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${(err as Error).message}`);
      })
      .finally(() => counted.busy--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get stats() {
      return proxy.stats;
    },
    get legalHolds() {
      return proxy.legalHolds;
    },
    configure,
    release: (options = { forward: true }) => gate?.open(options.forward),
    close: () =>
      new Promise<void>((resolve) => {
        gate?.open(false);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
