import { interruptedBy } from '../../errors.js';
import pLimit from 'p-limit';
import type { ObjectVersion } from '../../aws/s3-objects.js';
import { type Applied, type StepContext, StepFailure } from '../define.js';
import { rateLimiter, type Clock } from './rate-limit.js';
import { candidatePages, listingOf } from './scan-candidates.js';
import { findingLabels, ScanTally, scanNotes, type Finding, type FoundLabel } from './scan-findings.js';

/** What the rekognition-scan step's plan observed: the window and what its listing found. */
export interface ScanObserved {
  bucket: string;
  prefix: string;
  /** The start of the window, resolved once in the plan (ISO), or null: current versions. */
  since: string | null;
  listed: number;
  scannable: number;
  skipped: Record<string, number>;
  customLabelsModel: { arn: string; status: string } | null;
}

/** The step's params the scan itself uses. */
export interface ScanSettings {
  minConfidence: number;
  labels: string[];
  customLabelsModel: string;
  customLabels: string[];
  maxTps: number;
}

/**
 * The errors DetectModerationLabels and DetectCustomLabels give about one image rather than the
 * scan (their API references): the image is "not scanned", the scan goes on, and the step ends
 * partial. InvalidS3ObjectException is not a verdict on the image: Rekognition could not read it.
 */
const NOT_SCANNED: Record<string, string> = {
  InvalidS3ObjectException:
    'Rekognition could not read the object (InvalidS3Object): check s3:GetObject for the caller, a bucket policy deny, and for an SSE-KMS object kms:Decrypt on its key',
  ImageTooLargeException: 'larger than Rekognition accepts (ImageTooLarge)',
  InvalidImageFormatException: 'not an image Rekognition can decode (InvalidImageFormat)',
};
const REJECTIONS = new Set(Object.keys(NOT_SCANNED));

interface Detected {
  labels: FoundLabel[];
  models: Finding['models'];
  requestId?: string;
}

const notScannedLine = (v: ObjectVersion, reason: string) =>
  `${JSON.stringify({ key: v.key, versionId: v.versionId, size: v.size, reason })}\n`;

/**
 * The scan's apply: lists again with the plan's window (listing costs little next to Rekognition,
 * and keeping a million keys in the plan would bloat the journal), and calls Rekognition for each
 * image at most `maxTps` times a second, `concurrency` at a time. Throttling is retried by the
 * SDK (adaptive mode). The first error that is not about one image stops the scan: what was
 * found so far is kept, closed and hashed, and the step fails saying how far it got.
 */
export async function runScan(
  ctx: StepContext,
  p: ScanSettings,
  observed: ScanObserved,
  clock?: Clock,
): Promise<Applied> {
  const { bucket } = observed;
  const acquire = rateLimiter(p.maxTps, clock);
  const limit = pLimit(ctx.settings.concurrency);
  const findings = ctx.artefacts.stream(`findings-${ctx.stepId}.jsonl`);
  const notScanned = ctx.artefacts.stream(`not-scanned-${ctx.stepId}.jsonl`);
  const tally = new ScanTally();
  const requestIds: string[] = [];
  const bar = ctx.progress.start(`scan s3://${bucket}`, observed.scannable);
  let fatal: unknown;

  const moderation = async (v: ObjectVersion): Promise<Detected> => {
    await acquire();
    tally.calls += 1;
    const d = await ctx.aws.rekognition.detectModerationLabels(bucket, v.key, v.versionId, p.minConfidence);
    return {
      labels: d.labels.map((l) => ({ ...l, source: 'moderation' })),
      models: d.modelVersion ? { moderation: d.modelVersion } : {},
      ...(d.requestId ? { requestId: d.requestId } : {}),
    };
  };
  const custom = async (v: ObjectVersion, arn: string): Promise<Detected> => {
    await acquire();
    tally.calls += 1;
    const d = await ctx.aws.rekognition.detectCustomLabels(arn, bucket, v.key, v.versionId, p.minConfidence);
    return {
      labels: d.labels.map((l) => ({ ...l, source: 'custom' })),
      models: { customLabels: arn },
      ...(d.requestId ? { requestId: d.requestId } : {}),
    };
  };

  const scanOne = async (v: ObjectVersion): Promise<void> => {
    // Ctrl-C: queued images are not sent; the calls in flight finish and reach the findings.
    if (ctx.signal.aborted) fatal ??= interruptedBy(ctx.signal);
    if (fatal !== undefined) return;
    try {
      const detected = await Promise.all([
        moderation(v),
        ...(p.customLabelsModel ? [custom(v, p.customLabelsModel)] : []),
      ]);
      tally.scanned += 1;
      // --labels filters moderation labels; a custom model's findings are only its --custom-label ones.
      const all = detected.flatMap((d) => d.labels);
      const labels = [
        ...findingLabels(
          all.filter((l) => l.source === 'moderation'),
          p.minConfidence,
          p.labels,
        ),
        ...findingLabels(
          all.filter((l) => l.source === 'custom'),
          p.minConfidence,
          p.customLabels,
        ),
      ];
      if (labels.length === 0) return;
      const ids = detected.flatMap((d) => (d.requestId ? [d.requestId] : []));
      requestIds.push(...ids);
      tally.found(v, labels);
      const finding: Finding = {
        bucket,
        ...v,
        labels,
        models: Object.assign({}, ...detected.map((d) => d.models)),
        requestIds: ids,
      };
      await findings.write(`${JSON.stringify(finding)}\n`);
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (!REJECTIONS.has(name)) {
        fatal ??= err;
        return;
      }
      tally.reject(name.replace(/Exception$/, ''));
      await notScanned.write(notScannedLine(v, `not scanned: ${NOT_SCANNED[name]}`));
    } finally {
      bar.tick();
    }
  };

  // One page scanning while the next is listed: memory holds two pages, never the whole bucket.
  const pending: Promise<unknown>[] = [];
  try {
    for await (const page of candidatePages(ctx.aws.s3, listingOf(observed, ctx.settings.concurrency))) {
      if (ctx.signal.aborted) fatal ??= interruptedBy(ctx.signal);
      if (fatal !== undefined) break;
      for (const c of page.filter((c) => c.skip)) {
        tally.skip(c.skip!);
        await notScanned.write(notScannedLine(c.version, c.skip!));
      }
      pending.push(Promise.all(page.filter((c) => !c.skip).map((c) => limit(() => scanOne(c.version)))));
      if (pending.length > 1) await pending.shift();
    }
  } catch (err) {
    fatal ??= err;
  }
  await Promise.all(pending);
  bar.done();

  const data = tally.data(bucket, await findings.close(), await notScanned.close());
  const applied: Applied = {
    changes: data.scanned
      ? [
          {
            action: 'scan-images',
            target: `s3://${bucket}/${observed.prefix}`,
            detail: `${data.scanned} image(s) scanned, ${data.withFindings} with findings`,
            count: data.scanned,
          },
        ]
      : [],
    requestIds,
    data,
    notes: scanNotes(data, p.minConfidence),
  };
  const unscanned = Object.values(data.rejected).reduce((a, b) => a + b, 0);
  if (fatal === undefined && unscanned === 0) return applied;
  if (fatal === undefined)
    throw new StepFailure(applied, {
      cause: new Error(
        `${unscanned} image(s) not scanned (${Object.entries(data.rejected)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}): the reason for each is in ${data.skippedList.path}; fix it, then scan again`,
      ),
    });
  const stopped = `stopped after ${data.scanned} of ${observed.scannable} image(s)${data.withFindings ? `; the findings so far are in ${data.findings.path}` : ''}`;
  throw new StepFailure({ ...applied, notes: [stopped, ...applied.notes!] }, { cause: fatal });
}
