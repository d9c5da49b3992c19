/**
 * A fast local S3 (plus STS GetCallerIdentity and CloudTrail DescribeTrails) for benchmarking
 * only: path-style, keep-alive, a fixed latency per request and no concurrency cap, over
 * synthetic contents that cost no memory (see fake-s3/synthetic.ts). It counts requests per
 * operation and per (key, versionId): GET /__stats, POST /__reset.
 *
 *   node dist-bench/fake-s3.js [--port 4599] [--latency-ms 20] [--versions 10000] [--log-files 5000]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { operationOf, s3Reply, type Reply, type S3Request } from './fake-s3/s3-routes.js';
import { FakeS3State, type FakeS3Stats } from './fake-s3/state.js';
import * as xml from './fake-s3/xml.js';

export interface FakeS3Options {
  port?: number;
  latencyMs?: number;
  versions?: number;
  versionsPerKey?: number;
  deleteMarkerEvery?: number;
  logFiles?: number;
  /** The log files are spread over this many days before now (all inside drp's default 7-day window). */
  logDays?: number;
  account?: string;
  region?: string;
  versionsBucket?: string;
  trailBucket?: string;
}

export interface FakeS3 {
  url: string;
  state: FakeS3State;
  stats(): FakeS3Stats;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULTS = {
  port: 0,
  latencyMs: 20,
  versions: 10_000,
  versionsPerKey: 2,
  deleteMarkerEvery: 0,
  logFiles: 5000,
  logDays: 3,
  account: '123456789012',
  region: 'us-east-1',
  versionsBucket: 'bench-media',
  trailBucket: 'bench-trail',
} satisfies Required<FakeS3Options>;

/** Whatever the body, keep at most this much: a PutObject of a large artefact is drained, not kept. */
const MAX_BODY = 1 << 20;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size < MAX_BODY) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The signing service in the SigV4 credential scope: s3, sts, cloudtrail, ... */
const serviceOf = (req: IncomingMessage) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 's3';

function stsReply(state: FakeS3State, body: string, requestId: string): Reply {
  const action = new URLSearchParams(body).get('Action') ?? '?';
  state.count(`STS.${action}`);
  if (action !== 'GetCallerIdentity')
    return { status: 400, body: xml.stsError('InvalidAction', `fake STS: ${action}`, requestId) };
  const arn = `arn:aws:iam::${state.logs.account}:user/bench`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: xml.callerIdentity(arn, state.logs.account, requestId),
  };
}

/**
 * The Price List API that drp's plan asks for the cost of its requests: the fake knows no price,
 * so the plan states the cost from drp's dated table, as it does wherever the API is out of reach.
 */
function pricingReply(state: FakeS3State, target: string): Reply {
  const action = target.split('.').pop() ?? '?';
  state.count(`Pricing.${action}`);
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [] }),
  };
}

function cloudTrailReply(state: FakeS3State, target: string): Reply {
  const action = target.split('.').pop() ?? '?';
  state.count(`CloudTrail.${action}`);
  const { account, region } = state.logs;
  const json = (status: number, value: unknown): Reply => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(value),
  });
  if (action === 'DescribeTrails') {
    const name = state.bucketNames.trail;
    return json(200, {
      trailList: [
        {
          Name: name,
          S3BucketName: name,
          IsMultiRegionTrail: true,
          HomeRegion: region,
          TrailARN: `arn:aws:cloudtrail:${region}:${account}:trail/${name}`,
          LogFileValidationEnabled: true,
          IncludeGlobalServiceEvents: true,
        },
      ],
    });
  }
  if (action === 'GetTrailStatus') return json(200, { IsLogging: true });
  state.unhandled[`CloudTrail.${action}`] = (state.unhandled[`CloudTrail.${action}`] ?? 0) + 1;
  return json(400, { __type: 'UnknownOperationException', message: `fake CloudTrail: ${action}` });
}

export async function startFakeS3(options: FakeS3Options = {}): Promise<FakeS3> {
  const o = { ...DEFAULTS, ...options };
  const state = new FakeS3State(
    { versions: o.versions, perKey: o.versionsPerKey, deleteMarkerEvery: o.deleteMarkerEvery },
    // An hour in the past, so every file is older than the run that copies it.
    {
      files: o.logFiles,
      account: o.account,
      region: o.region,
      newest: Date.now() - 3_600_000,
      days: o.logDays,
    },
    { versions: o.versionsBucket, trail: o.trailBucket },
  );
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (path === '/__stats') return send(res, { status: 200, body: JSON.stringify(state.stats()) });
    if (path === '/__reset' && req.method === 'POST') {
      state.reset();
      return send(res, { status: 204 });
    }
    const body = await readBody(req);
    const requestId = `FAKE${(++requests).toString(16).padStart(12, '0').toUpperCase()}`;
    const service = serviceOf(req);
    const target = req.headers['x-amz-target'];
    let reply: Reply;
    let carriesDeny = false;
    if (service === 'sts') reply = stsReply(state, body, requestId);
    else if (typeof target === 'string' && target.includes('CloudTrail'))
      reply = cloudTrailReply(state, target);
    else if (typeof target === 'string' && target.startsWith('AWSPriceListService.'))
      reply = pricingReply(state, target);
    else {
      const [bucket = '', ...rest] = path.slice(1).split('/');
      const r: S3Request = {
        method: req.method ?? 'GET',
        bucket: decodeURIComponent(bucket),
        key: decodeURIComponent(rest.join('/')),
        query,
        headers: req.headers,
        body,
        requestId,
      };
      const op = operationOf(r);
      carriesDeny = op === 'PutBucketPolicy' && body.includes('"DrpContain');
      if (op) state.count(`S3.${op}`);
      else {
        const what = `${r.method} ${r.key ? 'object' : 'bucket'} ?${[...query.keys()].join('&')}`;
        state.unhandled[what] = (state.unhandled[what] ?? 0) + 1;
      }
      reply = s3Reply(state, op ?? 'that request', r);
    }
    if (o.latencyMs > 0) await sleep(o.latencyMs);
    send(res, reply, requestId, req.method === 'HEAD');
    // Time to deny ends when drp's deny is answered (bench/deny.ts): the first such answer counts.
    if (carriesDeny && reply.status < 300) state.denyAnsweredAt ??= performance.now();
  }

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: String(err) }));
  });
  // Clients keep sockets open between pages and bursts; never be the side that closes them.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(o.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    stats: () => state.stats(),
    reset: () => state.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: Reply, requestId = 'FAKE', head = false) {
  const body = reply.body ?? '';
  const headers: Record<string, string> = {
    'x-amz-request-id': requestId,
    'x-amz-id-2': requestId,
    'content-type': 'application/xml',
    ...reply.headers,
  };
  // A HEAD reply carries the object's Content-Length and no body.
  if (!head || headers['content-length'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(head ? undefined : body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4599' },
      'latency-ms': { type: 'string', default: String(DEFAULTS.latencyMs) },
      versions: { type: 'string', default: String(DEFAULTS.versions) },
      'log-files': { type: 'string', default: String(DEFAULTS.logFiles) },
      'delete-marker-every': { type: 'string', default: '0' },
    },
  });
  const fake = await startFakeS3({
    port: Number(values.port),
    latencyMs: Number(values['latency-ms']),
    versions: Number(values.versions),
    logFiles: Number(values['log-files']),
    deleteMarkerEvery: Number(values['delete-marker-every']),
  });
  process.stdout.write(`fake S3 on ${fake.url} (stats: GET ${fake.url}/__stats)\n`);
}
