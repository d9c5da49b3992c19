/**
 * The physical limit: a bare AWS SDK v3 loop making the calls drp makes and nothing else, with
 * `concurrency` calls in flight across page boundaries (the next page is listed while the current
 * one is being worked). Prints one JSON line: {"count", "seconds", "maxRssMB"}. With
 * `--shard i --shards n` it works only every n-th item of the listing, from the i-th (0-based):
 * bench/all-cores.ts runs n of these side by side, one per core.
 *
 *   node dist-bench/limit.js holds  --endpoint URL --bucket B --concurrency 32
 *   node dist-bench/limit.js copies --endpoint URL --bucket TRAIL --prefix P --to EVIDENCE --concurrency 32
 */
import {
  CopyObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { parseArgs } from 'node:util';
import { sharded } from './shard.js';

/** Yields each item of each page, fetching page n+1 while page n is being worked on. */
async function* prefetched<Page, Item>(
  first: () => Promise<Page>,
  next: (page: Page) => (() => Promise<Page>) | undefined,
  items: (page: Page) => Item[],
): AsyncGenerator<Item> {
  let pending: Promise<Page> | undefined = first();
  while (pending) {
    const page: Page = await pending;
    pending = next(page)?.();
    yield* items(page);
  }
}

/** `concurrency` workers draining one shared iterator: at most that many calls in flight, ever. */
async function drain<T>(items: AsyncIterator<T>, concurrency: number, work: (item: T) => Promise<void>) {
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let r = await items.next(); !r.done; r = await items.next()) {
        await work(r.value);
        count++;
      }
    }),
  );
  return count;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    endpoint: { type: 'string' },
    bucket: { type: 'string' },
    prefix: { type: 'string', default: '' },
    to: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    shard: { type: 'string', default: '0' },
    shards: { type: 'string', default: '1' },
  },
});
const share = <T>(items: AsyncIterable<T>) => sharded(items, Number(values.shard), Number(values.shards));
const concurrency = Number(values.concurrency);
const Bucket = values.bucket!;
const s3 = new S3Client({
  endpoint: values.endpoint,
  forcePathStyle: true,
  // drp's socket pool (src/aws/config.ts): the workers plus room for the next page's listing.
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: Math.max(50, concurrency + 8) } },
});

const started = performance.now();
let count: number;
if (positionals[0] === 'holds') {
  type Page = Awaited<ReturnType<typeof listVersions>>;
  const listVersions = (KeyMarker?: string, VersionIdMarker?: string) =>
    s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
  const versions = prefetched(
    () => listVersions(),
    (p: Page) => (p.IsTruncated ? () => listVersions(p.NextKeyMarker, p.NextVersionIdMarker) : undefined),
    (p: Page) => p.Versions ?? [],
  );
  count = await drain(share(versions), concurrency, async (v) => {
    await s3.send(
      new PutObjectLegalHoldCommand({
        Bucket,
        Key: v.Key,
        VersionId: v.VersionId,
        LegalHold: { Status: 'ON' },
      }),
    );
  });
} else if (positionals[0] === 'copies') {
  type Page = Awaited<ReturnType<typeof listFiles>>;
  const listFiles = (ContinuationToken?: string) =>
    s3.send(new ListObjectsV2Command({ Bucket, Prefix: values.prefix, ContinuationToken }));
  const files = prefetched(
    () => listFiles(),
    (p: Page) => (p.IsTruncated ? () => listFiles(p.NextContinuationToken) : undefined),
    (p: Page) => p.Contents ?? [],
  );
  // The calls drp makes per file: a pinned copy with SHA-256 and a legal hold, then a read-back.
  count = await drain(share(files), concurrency, async (file) => {
    const Key = `incidents/bench/${file.Key}`;
    const out = await s3.send(
      new CopyObjectCommand({
        Bucket: values.to,
        Key,
        CopySource: `${Bucket}/${encodeURIComponent(file.Key!)}`,
        CopySourceIfMatch: file.ETag,
        ChecksumAlgorithm: 'SHA256',
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: values.to, Key, VersionId: out.VersionId, ChecksumMode: 'ENABLED' }),
    );
    if (head.ContentLength !== file.Size || head.ChecksumSHA256 !== out.CopyObjectResult?.ChecksumSHA256)
      throw new Error(`copy of ${file.Key} does not match its source`);
    if (head.ObjectLockLegalHoldStatus !== 'ON') throw new Error(`copy of ${file.Key} is not held`);
  });
} else {
  throw new Error(
    'usage: limit.js holds|copies --endpoint URL --bucket B [--prefix P --to BUCKET] [--concurrency N] [--shard I --shards N]',
  );
}
const seconds = (performance.now() - started) / 1000;
const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ count, seconds, maxRssMB })}\n`);
