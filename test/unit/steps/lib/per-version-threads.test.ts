import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeS3, type FakeS3 } from '../../../../bench/fake-s3.js';
import { createS3Client, createS3Port } from '../../../../src/aws/s3.js';
import type { AwsSettings } from '../../../../src/aws/config.js';
import { createLogger } from '../../../../src/log.js';
import { packagePath } from '../../../../src/paths.js';
import type { RunSettings } from '../../../../src/steps/define.js';
import { holdEveryVersion } from '../../../../src/steps/lib/legal-holds.js';
import { WORKERS_FROM } from '../../../../src/steps/lib/per-version.js';
import { copyVerified } from '../../../../src/steps/lib/preservation/copy.js';
import { objectsUnder } from '../../../../src/steps/lib/preservation/layout.js';
import { testContext, testPorts } from '../../../support/step-context.js';

// The legal holds and log copies on real worker threads (dist/per-version.worker.js, built by
// `npm test` and `npm run test:unit` before vitest runs), each with its own S3 client, against
// the bench's fake S3 over loopback HTTP: it counts how many times each version was held and each
// file copied. The main-thread path is legal-holds.test.ts's and copy-steps.test.ts's.

const VERSIONS = WORKERS_FROM + 500;
const LOG_FILES = WORKERS_FROM + 100;
const LOG_PREFIX = 'AWSLogs/123456789012/CloudTrail/us-east-1/';

let fake: FakeS3;
beforeAll(async () => {
  if (!existsSync(packagePath('dist', 'per-version.worker.js')))
    throw new Error('dist/per-version.worker.js is missing: run `npm run build` first');
  fake = await startFakeS3({ latencyMs: 1, versions: VERSIONS, deleteMarkerEvery: 10, logFiles: LOG_FILES });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** A context whose S3 port reaches the fake and may start workers, and whose info log is kept. */
function threaded(workers: RunSettings['workers'], endpoint: FakeS3 = fake) {
  const settings: AwsSettings = {
    region: 'us-east-1',
    endpointUrl: endpoint.url,
    concurrency: 16,
    credentials: async () => ({ accessKeyId: 'bench', secretAccessKey: 'bench-secret-never-logged' }),
  };
  const s3 = createS3Port(createS3Client(settings, false), settings);
  let logged = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => (logged += chunk.toString()));
  const base = testContext().ctx;
  const { ctx } = testContext({
    aws: { ...testPorts(), s3 },
    awsAs: async () => ({ ...testPorts(), s3 }),
    log: createLogger('info', sink),
    settings: { ...base.settings, concurrency: 16, ...(workers ? { workers } : {}) },
  });
  return { ctx, s3, logged: () => logged };
}

describe('per-version work on worker threads', () => {
  it(
    'holds every version exactly once across the threads, delete markers skipped, counts as in one thread',
    { timeout: 60_000 },
    async () => {
      const { ctx, logged } = threaded({ threads: 2, always: false });
      const r = await holdEveryVersion(ctx, 'bench-media', { checkHolds: false, total: VERSIONS });
      const { legalHolds } = fake.stats();
      expect(legalHolds.heldMoreThanOnce).toBe(0);
      expect(legalHolds.deleteMarkerHolds).toBe(0);
      expect(r.placed).toBe(legalHolds.heldOnce);
      expect(r.placed + r.deleteMarkers).toBe(VERSIONS);
      expect(r.deleteMarkers).toBeGreaterThan(0);
      expect(logged()).toMatch(/"workers":2.*legal-hold: on worker threads/);
      // Credentials cross to the workers in memory only.
      expect(logged()).not.toContain('bench-secret-never-logged');
    },
  );

  it('keeps a small bucket in the main thread unless --workers was given', { timeout: 60_000 }, async () => {
    const small = await startFakeS3({ latencyMs: 0, versions: 300 });
    try {
      const byDefault = threaded({ threads: 2, always: false }, small);
      await holdEveryVersion(byDefault.ctx, 'bench-media', { checkHolds: false, total: 300 });
      expect(small.stats().legalHolds.heldOnce).toBe(300);
      expect(byDefault.logged()).not.toContain('on worker threads');
      small.reset();
      const forced = threaded({ threads: 2, always: true }, small);
      await holdEveryVersion(forced.ctx, 'bench-media', { checkHolds: false, total: 300 });
      expect(small.stats().legalHolds.heldOnce).toBe(300);
      expect(forced.logged()).toContain('on worker threads');
    } finally {
      await small.close();
    }
  });

  it(
    'copies and verifies every log file exactly once on the threads, one manifest line each',
    { timeout: 60_000 },
    async () => {
      const { ctx, s3, logged } = threaded({ threads: 2, always: false });
      const lines: string[] = [];
      const outcome = await copyVerified(
        ctx,
        objectsUnder(s3, 'bench-trail', [LOG_PREFIX], () => true),
        {
          sourceBucket: 'bench-trail',
          evidenceBucket: 'drp-evidence-bench',
          reader: s3,
          evidence: s3,
          canUpload: false,
          destination: { incidentId: 'INC-TEST-1', kind: 'cloudtrail', bucket: 'bench-trail' },
          manifest: {
            path: 'artefacts/cloudtrail.jsonl',
            write: async (line: string) => void lines.push(line),
            close: async () => ({
              name: 'cloudtrail.jsonl',
              path: 'artefacts/cloudtrail.jsonl',
              size: 0,
              sha256: '',
            }),
          },
          label: 'copies',
          total: LOG_FILES,
        },
      );
      expect(outcome.failure).toBeUndefined();
      expect(outcome.copied).toBe(LOG_FILES);
      expect(fake.stats().copies.copiedOnce).toBe(LOG_FILES);
      expect(lines).toHaveLength(LOG_FILES);
      const first = JSON.parse(lines[0]!) as { evidence: string; via: string; sha256: string };
      expect(first.evidence).toMatch(
        /^s3:\/\/drp-evidence-bench\/incidents\/INC-TEST-1\/cloudtrail\/bench-trail\//,
      );
      expect(first.via).toBe('server-side-copy');
      expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(logged()).toContain('log-copy: on worker threads');
    },
  );
});
