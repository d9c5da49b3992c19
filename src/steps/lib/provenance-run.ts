import { interruptedBy } from '../../errors.js';
import pLimit from 'p-limit';
import type { ObjectVersion } from '../../aws/s3-objects.js';
import { isFinding, type ProvenanceClass, type TrustedSigner } from '../../provenance/classify.js';
import { inspectImage } from '../../provenance/inspect.js';
import type { ReadLimits } from '../../provenance/ranged-reader.js';
import { StepFailure, type Applied, type StepContext } from '../define.js';
import { listingOf } from './scan-candidates.js';
import { hasExtension, PROVENANCE_SKIP, provenancePages } from './provenance-candidates.js';
import { lineOf, ProvenanceTally, provenanceNotes, type ProvenanceLine } from './provenance-tally.js';

export interface ProvenanceRun {
  bucket: string;
  prefix: string;
  since: string | null;
  candidates: number;
  limits: ReadLimits;
  trusted: TrustedSigner[];
  requireCredentials: boolean;
}

/** S3's answers about one version: that version is gone (skipped), or drp may not read it (not scanned). */
const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);
const CANNOT_READ: Record<string, string> = {
  AccessDenied:
    'access denied: check s3:GetObject (and s3:GetObjectVersion), a bucket policy deny, and for an SSE-KMS object kms:Decrypt on its key',
  InvalidObjectState: 'archived (Glacier or Deep Archive tier): restore it first (RestoreObject)',
  InvalidRequest: 'encrypted with a customer-provided key (SSE-C): drp cannot read it',
};
const cannotRead = (err: unknown): string | undefined => {
  if (!(err instanceof Error)) return undefined;
  if (err.name.startsWith('KMS.')) return `${err.name}: the object's KMS key cannot be used (${err.message})`;
  return CANNOT_READ[err.name];
};

const REASON: Partial<Record<ProvenanceClass, string>> = {
  'declared-ai': 'declares an AI-generated or synthetic digital source type',
  invalid: 'carries Content Credentials that fail validation',
  none: 'has no Content Credentials (credentials are required)',
  untrusted: 'is signed by a signer not in --trusted-signer (credentials are required)',
};

/**
 * The provenance scan's apply: lists again with the plan's window, reads each image's header
 * (and the whole image only when it embeds Content Credentials) `concurrency` at a time. An
 * image drp could not read (access denied, archived, over the read cap) is "not scanned" with
 * its reason, and makes the step partial: a failed outcome carrying everything found.
 */
export async function runProvenance(ctx: StepContext, run: ProvenanceRun): Promise<Applied> {
  const { bucket } = run;
  const s3 = ctx.aws.s3;
  const limit = pLimit(ctx.settings.concurrency);
  const findings = ctx.artefacts.stream(`findings-${ctx.stepId}.jsonl`);
  const inventory = ctx.artefacts.stream(`provenance-${ctx.stepId}.jsonl`);
  const notScanned = ctx.artefacts.stream(`not-scanned-${ctx.stepId}.jsonl`);
  const tally = new ProvenanceTally();
  const bar = ctx.progress.start(`provenance s3://${bucket}`, run.candidates);
  let fatal: unknown;

  const skipLine = (v: ObjectVersion, reason: string) =>
    `${JSON.stringify({ key: v.key, versionId: v.versionId, size: v.size, reason })}\n`;

  const readOne = async (v: ObjectVersion): Promise<void> => {
    // Ctrl-C: queued objects are left alone; the calls in flight finish and are recorded.
    if (ctx.signal.aborted) fatal ??= interruptedBy(ctx.signal);
    if (fatal !== undefined) return;
    try {
      const source = {
        size: v.size,
        read: (start: number, end: number) => s3.getObjectRange(bucket, v.key, v.versionId, start, end),
      };
      const seen = await inspectImage(source, run.limits, run.trusted);
      tally.read(seen.bytesRead, seen.reads);
      if (seen.kind === 'over-cap') {
        tally.notScannedBecause('over the read cap');
        await notScanned.write(skipLine(v, `not scanned: ${seen.reason} (raise --provenance-max-bytes)`));
        return;
      }
      if (seen.kind === 'unreadable' && !hasExtension(v.key)) {
        tally.skip(PROVENANCE_SKIP.notImage);
        await notScanned.write(skipLine(v, PROVENANCE_SKIP.notImage));
        return;
      }
      const line: ProvenanceLine =
        seen.kind === 'unreadable'
          ? { ...lineOf(bucket, v), class: 'unreadable', reason: seen.reason, bytesRead: seen.bytesRead }
          : { ...lineOf(bucket, v), class: seen.class, evidence: seen.evidence, bytesRead: seen.bytesRead };
      const finding = line.class !== 'unreadable' && isFinding(line.class, run.requireCredentials);
      if (finding) line.reason = REASON[line.class as ProvenanceClass];
      tally.classified(line, finding);
      await inventory.write(`${JSON.stringify(line)}\n`);
      if (finding) await findings.write(`${JSON.stringify(line)}\n`);
    } catch (err) {
      if (err instanceof Error && GONE.has(err.name)) {
        tally.skip(PROVENANCE_SKIP.gone);
        await notScanned.write(skipLine(v, PROVENANCE_SKIP.gone));
        return;
      }
      const why = cannotRead(err);
      if (why === undefined) {
        fatal ??= err;
        return;
      }
      tally.notScannedBecause((err as Error).name);
      await notScanned.write(skipLine(v, `not scanned: ${why}`));
    } finally {
      bar.tick();
    }
  };

  // One page read while the next is listed: memory holds two pages, never the whole bucket.
  const pending: Promise<unknown>[] = [];
  try {
    for await (const page of provenancePages(s3, listingOf(run, ctx.settings.concurrency))) {
      if (fatal !== undefined) break;
      for (const c of page.filter((c) => c.skip)) {
        tally.skip(c.skip!);
        await notScanned.write(skipLine(c.version, c.skip!));
      }
      pending.push(Promise.all(page.filter((c) => !c.skip).map((c) => limit(() => readOne(c.version)))));
      if (pending.length > 1) await pending.shift();
    }
  } catch (err) {
    fatal ??= err;
  }
  await Promise.all(pending);
  bar.done();

  const data = tally.data(bucket, run.requireCredentials, {
    findings: await findings.close(),
    inventory: await inventory.close(),
    notScannedList: await notScanned.close(),
  });
  const applied: Applied = {
    changes: data.scanned
      ? [
          {
            action: 'read-provenance',
            target: `s3://${bucket}/${run.prefix}`,
            detail: `${data.scanned} image(s) classified, ${data.withFindings} finding(s)`,
            count: data.scanned,
          },
        ]
      : [],
    requestIds: [],
    data,
    notes: provenanceNotes(data),
  };
  if (fatal !== undefined) {
    const stopped = `stopped after ${data.scanned} of ${run.candidates} image(s)${data.withFindings ? `; the findings so far are in ${data.findings.path}` : ''}`;
    throw new StepFailure({ ...applied, notes: [stopped, ...applied.notes!] }, { cause: fatal });
  }
  if (tally.unscanned > 0)
    throw new StepFailure(applied, {
      cause: new Error(
        `${tally.unscanned} image(s) could not be read and are not classified (see ${data.notScannedList.path}): fix the reason given for each, then run the scan again`,
      ),
    });
  return applied;
}
