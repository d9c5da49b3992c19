import * as z from 'zod';
import type { AccessLogging } from '../aws/s3-evidence.js';
import { defineStep, type StepContext } from './define.js';
import { accessLogFileTime } from './lib/preservation/layout.js';
import {
  copyChange,
  copyLogs,
  EVIDENCE_COPY_ACTIONS,
  countPending,
  logCopyIo,
  type LogSource,
  type PendingCount,
} from './lib/preservation/log-copy.js';
import { daysOf, describeWindow, Since, windowOf, type Window } from './lib/preservation/window.js';
import { BucketName } from '../names.js';
import { requireBucket } from './lib/bucket.js';
import { logCopyCost } from './lib/costs.js';

export interface Observed {
  bucket: string;
  window: { start: string; end: string };
  logging: AccessLogging | null;
  source?: LogSource & { pending: PendingCount };
}

/**
 * The day prefixes of the window in the log bucket. Simple keys are `<prefix>YYYY-mm-DD-HH-MM-SS-x`;
 * partitioned keys are `<prefix><account>/<region>/<bucket>/YYYY/MM/DD/YYYY-mm-DD-HH-MM-SS-x`.
 */
function sourceOf(ctx: StepContext, bucket: string, logging: AccessLogging, window: Window): LogSource {
  const root =
    logging.layout === 'partitioned'
      ? `${logging.targetPrefix}${ctx.caller.accountId}/${ctx.region}/${bucket}/`
      : logging.targetPrefix;
  const prefixes = daysOf(window).map(([y, m, d]) =>
    logging.layout === 'partitioned' ? `${root}${y}/${m}/${d}/` : `${root}${y}-${m}-${d}-`,
  );
  return { bucket: logging.targetBucket, writers: [`server access logs of ${bucket}`], root, prefixes };
}

export default defineStep({
  type: 'preserve-access-logs',
  summary:
    "Copy the bucket's S3 server access log files of the window (since) into the evidence bucket, server-side, verifying each copy, with a manifest; server access logging off is a finding",
  params: z
    .object({
      bucket: BucketName.describe('The bucket whose server access log files are preserved'),
      since: Since.default('7d').describe(
        'How far back log files are preserved: a duration (7d, 36h, 90m), an ISO 8601 time with a zone, or a date',
      ),
    })
    .strict(),
  // S3 delivers a bucket's server access logs to a bucket of the same account and region: they are
  // read as the workload account ('target'); the copies are written as the forensics account.
  permissions: ['s3:GetBucketLogging', 's3:ListBucket', 's3:GetObject', 'kms:Decrypt'],
  alsoActsAs: {
    evidence: EVIDENCE_COPY_ACTIONS,
  },
  example: { bucket: 'product-media-prod', since: '7d' },

  async plan(ctx, p) {
    const window = windowOf(p.since, ctx.now());
    await requireBucket(ctx.aws.s3, p.bucket);
    const logging = (await ctx.aws.s3.getAccessLogging(p.bucket)) ?? null;
    const base: Observed = {
      bucket: p.bucket,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      logging,
    };
    if (!logging)
      return {
        observed: base,
        changes: [],
        notes: [
          `evidence is missing: server access logging is off for ${p.bucket}: requests to it (who read what, from which IP) are not logged by S3`,
        ],
      };
    const source = sourceOf(ctx, p.bucket, logging, window);
    const io = await logCopyIo(ctx, 'target');
    const evidenceExists = await io.evidence.bucketExists(ctx.settings.evidenceBucket);
    const pending = await countPending(ctx, io, source, {
      kind: 'access-logs',
      start: window.start,
      fileTime: accessLogFileTime,
      evidenceExists,
    });
    const observed: Observed = { ...base, source: { ...source, pending } };
    return {
      observed,
      changes: pending.files ? [copyChange(ctx, 'access-logs', source, pending, describeWindow(window))] : [],
      ...(pending.files
        ? {}
        : {
            notes: [
              `no access log file of ${p.bucket} to copy in the window (none delivered, or all preserved already)`,
            ],
          }),
    };
  },

  async apply(ctx, p, plan) {
    const window = { start: new Date(plan.observed.window.start), end: ctx.now() };
    const source = sourceOf(ctx, p.bucket, plan.observed.logging!, window);
    return copyLogs(ctx, await logCopyIo(ctx, 'target'), 'access-logs', [source], {
      start: window.start,
      fileTime: accessLogFileTime,
      total: plan.observed.source?.pending.files ?? 0,
      label: 'copying S3 access log files',
      manifest: `access-logs-manifest-${p.bucket}.jsonl`,
    });
  },

  cost: ({ observed }) => logCopyCost(observed.source ? [observed.source.pending] : []),
});
