import pLimit from 'p-limit';
import type { S3Port } from '../../../aws/s3.js';
import type { ListedObject } from '../../../aws/s3-evidence.js';
import { type Applied, type Change, type Identity, type StepContext, StepFailure } from '../../define.js';
import { copyVerified } from './copy.js';
import { destinationKey, inWindow, keysUnder, objectsUnder, s3Uri, type CopyDestination } from './layout.js';

/** A log bucket and the exact prefixes (one per day, per log kind) the window needs listed. */
export interface LogSource {
  bucket: string;
  /** What writes there: trail names, or "server access logs of B". */
  writers: string[];
  /** The folder the prefixes share, for messages (e.g. ct/AWSLogs/). */
  root: string;
  prefixes: string[];
  /** Only keys that contain one of these (a shared flow log bucket: the files of our flow logs). */
  only?: string[];
  /**
   * Where copies go when not `incidents/<id>/<kind>/<bucket>/<key>`: a key under `from` is copied
   * to the same path under `to` (CloudWatch Logs exports, already in the evidence bucket).
   */
  copyTo?: { from: string; to: string };
}

export type LogKind = 'cloudtrail' | 'access-logs' | 'flow-logs';

/** Where `source`'s copies go, as data a worker thread can be handed. */
const destinationOf = (incidentId: string, kind: LogKind, source: LogSource): CopyDestination => ({
  incidentId,
  kind,
  bucket: source.bucket,
  ...(source.copyTo ? { copyTo: source.copyTo } : {}),
});

const wanted = (source: LogSource, key: string) => !source.only || source.only.some((s) => key.includes(s));

/** Who reads the log files and who writes the evidence: two identities, maybe two accounts. */
export interface LogCopyIo {
  /** Which identity reads the logs (logs: the log archive; target: the workload), for messages. */
  readerIdentity: Identity;
  reader: S3Port;
  evidence: S3Port;
  /** Different principals: when the evidence identity may not read the logs, the reader's bytes are uploaded. */
  canUpload: boolean;
}

/**
 * What a log copy does as the evidence identity (a step's `alsoActsAs.evidence`): a server-side
 * copy reads the source as that identity (and decrypts it), then writes, holds and reads back.
 */
export const EVIDENCE_COPY_ACTIONS = [
  's3:ListBucket',
  's3:GetObject',
  's3:GetObjectVersion',
  'kms:Decrypt',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:GetObjectLegalHold',
] as const;

/** The ports of a log copy: the log files read as `reader`, the evidence written as 'evidence'. */
export async function logCopyIo(ctx: StepContext, reader: Identity): Promise<LogCopyIo> {
  const [read, write] = await Promise.all([ctx.awsAs(reader), ctx.awsAs('evidence')]);
  return {
    readerIdentity: reader,
    reader: read.s3,
    evidence: write.s3,
    canUpload: ctx.identities[reader].principalArn !== ctx.identities.evidence.principalArn,
  };
}

export interface PendingCount {
  files: number;
  bytes: number;
}

interface Scan {
  kind: LogKind;
  start: Date;
  fileTime(key: string): Date | undefined;
  /** false before the evidence bucket exists (a plan before evidence-bucket creates it). */
  evidenceExists: boolean;
}

/** The files of the window not yet in the evidence bucket, prefix by prefix, listing page by page. */
async function* pending(
  ctx: StepContext,
  io: LogCopyIo,
  source: LogSource,
  scan: Scan,
): AsyncGenerator<ListedObject> {
  const evidence = ctx.settings.evidenceBucket;
  const to = destinationOf(ctx.incidentId, scan.kind, source);
  const destination = (key: string) => destinationKey(to, key);
  for (const prefix of source.prefixes) {
    const preserved = scan.evidenceExists
      ? await keysUnder(io.evidence, evidence, destination(prefix))
      : new Set<string>();
    yield* objectsUnder(
      io.reader,
      source.bucket,
      [prefix],
      (o) =>
        wanted(source, o.key) &&
        inWindow(o, scan.fileTime(o.key), scan.start) &&
        !preserved.has(destination(o.key)),
    );
  }
}

/** Day prefixes listed at once by the plan: each is a few pages, and one after another they added seconds. */
const PLAN_LISTINGS = 8;

/** What the plan shows: the files of the window still to copy, every prefix counted. */
export async function countPending(
  ctx: StepContext,
  io: LogCopyIo,
  source: LogSource,
  scan: Scan,
): Promise<PendingCount> {
  const limit = pLimit(PLAN_LISTINGS);
  const counts = await Promise.all(
    source.prefixes.map((prefix) =>
      limit(async () => {
        const count = { files: 0, bytes: 0 };
        for await (const o of pending(ctx, io, { ...source, prefixes: [prefix] }, scan)) {
          count.files += 1;
          count.bytes += o.size;
        }
        return count;
      }),
    ),
  );
  return counts.reduce((a, b) => ({ files: a.files + b.files, bytes: a.bytes + b.bytes }), {
    files: 0,
    bytes: 0,
  });
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;

export function copyChange(
  ctx: StepContext,
  kind: LogKind,
  source: LogSource,
  count: PendingCount,
  window: string,
): Change {
  return {
    action: 'copy-log-files',
    target: s3Uri(source.bucket, source.root),
    detail: `${count.files} file(s), ${formatBytes(count.bytes)}, ${window}, to ${s3Uri(ctx.settings.evidenceBucket, destinationKey(destinationOf(ctx.incidentId, kind, source), source.root))}`,
    count: count.files,
  };
}

/**
 * Copies the window's files of every source into the evidence bucket, verified, recording each in
 * one manifest artefact (JSON Lines). On the first failure, the manifest keeps what was copied and
 * the step fails with a StepFailure saying how many files were preserved before it.
 */
export async function copyLogs(
  ctx: StepContext,
  io: LogCopyIo,
  kind: LogKind,
  sources: LogSource[],
  scan: Omit<Scan, 'kind' | 'evidenceExists'> & { total: number; label: string; manifest: string },
): Promise<Applied> {
  const manifest = ctx.artefacts.stream(scan.manifest);
  const changes: Change[] = [];
  let copied = 0;
  let bytes = 0;
  let uploaded = 0;
  for (const source of sources) {
    const files = pending(ctx, io, source, { ...scan, kind, evidenceExists: true });
    const outcome = await copyVerified(ctx, files, {
      ...io,
      sourceBucket: source.bucket,
      evidenceBucket: ctx.settings.evidenceBucket,
      destination: destinationOf(ctx.incidentId, kind, source),
      manifest,
      label: scan.label,
      total: scan.total,
    });
    copied += outcome.copied;
    bytes += outcome.bytes;
    uploaded += outcome.uploaded;
    const how = outcome.uploaded
      ? ` (${outcome.uploaded} read as ${io.readerIdentity} and uploaded: the evidence identity may not read ${source.bucket})`
      : '';
    if (outcome.copied)
      changes.push({
        action: 'copy-log-files',
        target: s3Uri(source.bucket, source.root),
        detail: `${outcome.copied} file(s), ${formatBytes(outcome.bytes)}, copied and verified, under legal hold${how}`,
        count: outcome.copied,
      });
    if (outcome.failure) {
      const ref = await manifest.close();
      throw new StepFailure(
        {
          changes,
          requestIds: [],
          data: {
            copied,
            uploaded,
            planned: scan.total,
            bytes,
            manifest: ref.path,
            failedAt: outcome.failure.key
              ? s3Uri(source.bucket, outcome.failure.key)
              : `listing of ${s3Uri(source.bucket, source.root)}`,
          },
        },
        { cause: outcome.failure.error },
      );
    }
  }
  const ref = await manifest.close();
  return {
    changes,
    requestIds: [],
    data: { copied, uploaded, bytes, manifest: ref.path },
    ...(copied === 0 ? { notes: ['no new log file in the window since the plan: nothing copied'] } : {}),
  };
}
