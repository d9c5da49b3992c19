import * as z from 'zod';
import type { Trail } from '../aws/cloudtrail.js';
import { defineStep, type StepContext } from './define.js';
import { cloudTrailFileTime } from './lib/preservation/layout.js';
import {
  copyChange,
  copyLogs,
  EVIDENCE_COPY_ACTIONS,
  countPending,
  logCopyIo,
  type LogCopyIo,
  type LogSource,
  type PendingCount,
} from './lib/preservation/log-copy.js';
import { trailsCovering } from './lib/preservation/trails.js';
import { globalEventRegion } from '../identities.js';
import { partitionOf } from '../names.js';
import { logCopyCost } from './lib/costs.js';
import { daysOf, describeWindow, Since, windowOf, type Window } from './lib/preservation/window.js';

export interface Observed {
  window: { start: string; end: string };
  sources: (LogSource & { pending: PendingCount })[];
}

const KINDS = ['CloudTrail', 'CloudTrail-Digest'] as const;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * The account folders a trail writes to: `<prefix>/AWSLogs/<account>/`, and for an organization
 * trail `<prefix>/AWSLogs/<org-id>/<account>/`. One listing with a delimiter finds which exist.
 * The account is the workload's; the listing is the log identity's (the log archive account's).
 */
async function accountRoots(
  ctx: StepContext,
  io: LogCopyIo,
  bucket: string,
  base: string,
): Promise<string[]> {
  const account = ctx.identities.target.accountId;
  const found = await io.reader.listPrefixesUnder(bucket, base);
  return found.flatMap((p) => {
    const name = p.slice(base.length).replace(/\/$/, '');
    if (name === account) return [p];
    if (ORG_ID.test(name)) return [`${p}${account}/`];
    return [];
  });
}

/**
 * The day prefixes of the window, for this region's logs and digests, and for the partition's
 * global-event region too (us-east-1 in aws) when the trail records global services (IAM, STS:
 * what a leaked key's owner did is logged there).
 */
async function sourcesOf(
  ctx: StepContext,
  io: LogCopyIo,
  trails: Trail[],
  window: Window,
): Promise<LogSource[]> {
  const global = globalEventRegion(partitionOf(ctx.caller.arn));
  const byLocation = new Map<string, LogSource>();
  for (const trail of trails) {
    if (!trail.s3Bucket) continue;
    const keyPrefix = trail.s3KeyPrefix ? `${trail.s3KeyPrefix.replace(/\/+$/, '')}/` : '';
    const root = `${keyPrefix}AWSLogs/`;
    const id = `${trail.s3Bucket}/${root}`;
    const known = byLocation.get(id);
    if (known) {
      known.writers.push(trail.name);
      continue;
    }
    const regions = [ctx.region];
    if (trail.includeGlobalServiceEvents && ctx.region !== global) regions.push(global);
    const prefixes = (await accountRoots(ctx, io, trail.s3Bucket, root)).flatMap((account) =>
      KINDS.flatMap((kind) =>
        regions.flatMap((region) =>
          daysOf(window).map(([y, m, d]) => `${account}${kind}/${region}/${y}/${m}/${d}/`),
        ),
      ),
    );
    byLocation.set(id, { bucket: trail.s3Bucket, writers: [trail.name], root, prefixes });
  }
  return [...byLocation.values()];
}

export default defineStep({
  type: 'preserve-cloudtrail-logs',
  summary:
    "Copy the CloudTrail log and digest files of the window (since) from each trail's bucket into the evidence bucket, server-side (or read as the log archive and uploaded, when the evidence account cannot read it), verifying each copy, with a manifest of every file's key, version, size, SHA-256 and how it was copied",
  params: z
    .object({
      since: Since.default('7d').describe(
        'How far back log files are preserved: a duration (7d, 36h, 90m), an ISO 8601 time with a zone, or a date',
      ),
    })
    .strict(),
  // The workload account's trails; their log files, read as the log archive ('logs'); the copies,
  // written as the forensics account ('evidence'), server-side when it may read the log bucket.
  permissions: ['cloudtrail:DescribeTrails'],
  alsoActsAs: {
    logs: [
      's3:ListBucket',
      's3:GetObject',
      // Log files encrypted with SSE-KMS (CloudTrail's recommended set-up) are decrypted to be read.
      'kms:Decrypt',
    ],
    evidence: EVIDENCE_COPY_ACTIONS,
  },
  example: { since: '7d' },

  async plan(ctx, p) {
    const window = windowOf(p.since, ctx.now());
    const trails = trailsCovering(await ctx.aws.cloudtrail.describeTrails(), ctx.region);
    const io = await logCopyIo(ctx, 'logs');
    const evidenceExists = await io.evidence.bucketExists(ctx.settings.evidenceBucket);
    const sources = await sourcesOf(ctx, io, trails, window);
    const scan = {
      kind: 'cloudtrail' as const,
      start: window.start,
      fileTime: cloudTrailFileTime,
      evidenceExists,
    };
    const counted = await Promise.all(
      sources.map(async (s) => ({ ...s, pending: await countPending(ctx, io, s, scan) })),
    );
    const notes: string[] = [];
    if (trails.length === 0)
      notes.push(`evidence is missing: no CloudTrail trail covers ${ctx.region}: no log files to preserve`);
    for (const s of counted)
      if (s.prefixes.length === 0)
        notes.push(
          `evidence is missing: trail ${s.writers.join(', ')} has no log files of account ${ctx.identities.target.accountId} in s3://${s.bucket}/${s.root}`,
        );
    if (counted.some((s) => s.prefixes.length) && counted.every((s) => s.pending.files === 0))
      notes.push('no CloudTrail log file to copy in the window (none delivered, or all preserved already)');
    const observed: Observed = {
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      sources: counted,
    };
    return {
      observed,
      changes: counted
        .filter((s) => s.pending.files > 0)
        .map((s) => copyChange(ctx, 'cloudtrail', s, s.pending, describeWindow(window))),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _p, plan) {
    // The window's start is the plan's; it ends now, so files delivered since the plan are kept too.
    const window = { start: new Date(plan.observed.window.start), end: ctx.now() };
    const trails = trailsCovering(await ctx.aws.cloudtrail.describeTrails(), ctx.region);
    const io = await logCopyIo(ctx, 'logs');
    const sources = await sourcesOf(ctx, io, trails, window);
    return copyLogs(ctx, io, 'cloudtrail', sources, {
      start: window.start,
      fileTime: cloudTrailFileTime,
      total: plan.observed.sources.reduce((n, s) => n + s.pending.files, 0),
      label: 'copying CloudTrail log files',
      manifest: 'cloudtrail-logs-manifest.jsonl',
    });
  },

  cost: ({ observed }) => logCopyCost(observed.sources.map((s) => s.pending)),
});
