import { interruptedBy } from '../errors.js';
import pLimit from 'p-limit';
import * as z from 'zod';
import { UserError } from '../errors.js';
import { type Applied, type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { BucketName } from '../names.js';
import { mergeTags, readFindings, scanResultOf, type FindingRef } from './lib/quarantine-findings.js';
import restore from './s3-quarantine-objects.restore.js';
import { requireBucket } from './lib/bucket.js';

export interface Observed {
  bucket: string;
  enabled: boolean;
}

/** A finding version deleted since the scan: recorded, not a reason to stop holding the others. */
const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);

const ourTags = (ctx: StepContext) => [
  { key: 'drp:quarantine', value: 'true' },
  { key: 'drp:incident', value: ctx.incidentId },
];

/**
 * The findings come from the scan through ctx.results: the scan's `data` names its findings
 * artefact and that artefact's SHA-256, both journaled. This step reads the file back from the
 * evidence directory and checks the hash before acting, so it holds and tags exactly the versions
 * the journal says were found, however many, without the journal carrying a list of them.
 */
export default defineStep({
  type: 's3-quarantine-objects',
  summary:
    'Put a legal hold on each version an earlier rekognition-scan step found, and tag it drp:quarantine=true and drp:incident=<id> (keeping its other tags); never deletes or moves an object',
  params: z
    .object({
      bucket: BucketName.describe('The bucket the scan found the versions in'),
      findingsFrom: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a step id is lowercase letters, digits and hyphens')
        .default('scan')
        .describe(
          'The id of the rekognition-scan step, earlier in the runbook, whose findings to quarantine',
        ),
      enabled: z.boolean().default(true).describe('false plans nothing (drp scan without --quarantine)'),
    })
    .strict(),
  permissions: [
    's3:ListBucket',
    's3:GetBucketObjectLockConfiguration',
    's3:GetObjectLegalHold',
    's3:PutObjectLegalHold',
    's3:GetObjectVersionTagging',
    's3:PutObjectVersionTagging',
  ],
  example: { bucket: 'product-media-prod', findingsFrom: 'scan', enabled: true },

  async plan(ctx, p) {
    const observed: Observed = { bucket: p.bucket, enabled: p.enabled };
    if (!p.enabled) return { observed, changes: [] };
    await requireBucket(ctx.aws.s3, p.bucket);
    if (!(await ctx.aws.s3.objectLockEnabled(p.bucket)))
      throw new UserError(
        `bucket "${p.bucket}" does not have Object Lock enabled, and a legal hold needs it: run \`drp contain --bucket ${p.bucket}\` first (it enables Object Lock), or scan without --quarantine`,
      );
    return {
      observed,
      changes: [
        {
          action: 'quarantine-findings',
          target: `s3://${p.bucket}`,
          detail: `legal hold ON and tags drp:quarantine=true, drp:incident=${ctx.incidentId} on each version step "${p.findingsFrom}" finds (counted after the scan)`,
        },
      ],
    };
  },

  async apply(ctx, p) {
    if (!ctx.results.has(p.findingsFrom))
      throw new Error(
        `step "${p.findingsFrom}" has not completed before this step: findingsFrom must name an earlier rekognition-scan step`,
      );
    const scan = scanResultOf(p.findingsFrom, ctx.results.get(p.findingsFrom));
    if (!scan || scan.withFindings === 0)
      return { changes: [], requestIds: [], notes: ['no findings: nothing to quarantine'] };
    if (scan.bucket !== p.bucket)
      throw new Error(`step "${p.findingsFrom}" scanned bucket ${scan.bucket}, not ${p.bucket}`);
    return quarantine(ctx, p.bucket, await readFindings(ctx.settings.evidenceDir, scan));
  },

  restore,
});

async function quarantine(ctx: StepContext, bucket: string, findings: FindingRef[]): Promise<Applied> {
  const s3 = ctx.aws.s3;
  const tags = ourTags(ctx);
  const log = ctx.artefacts.stream(`quarantine-${ctx.stepId}.jsonl`);
  const count = { held: 0, tagged: 0, already: 0, tagLimit: 0, gone: 0 };
  const requestIds: string[] = [];
  const bar = ctx.progress.start(`quarantine s3://${bucket}`, findings.length);
  const limit = pLimit(ctx.settings.concurrency);
  let failure: unknown;

  const one = async ({ key, versionId }: FindingRef) => {
    // Ctrl-C: queued objects are left alone; the calls in flight finish and are recorded.
    if (ctx.signal.aborted) failure ??= interruptedBy(ctx.signal);
    if (failure !== undefined) return;
    const record: Record<string, unknown> = { key, versionId };
    try {
      const [held, existing] = await Promise.all([
        s3.legalHoldIsOn(bucket, key, versionId),
        s3.getObjectVersionTags(bucket, key, versionId),
      ]);
      const merge = mergeTags(existing, tags);
      // The hold first: it is what keeps the evidence if the tagging fails.
      if (!held) {
        const call = await s3.putLegalHoldOn(bucket, key, versionId);
        count.held += 1;
        if (call.requestId) requestIds.push(call.requestId);
      }
      record.legalHold = held ? 'already on' : 'placed';
      if (merge.status === 'merged') {
        const call = await s3.tagObjectVersion(bucket, key, versionId, merge.tags);
        count.tagged += 1;
        if (call.requestId) requestIds.push(call.requestId);
      }
      if (merge.status === 'too-many') count.tagLimit += 1;
      if (held && merge.status === 'already') count.already += 1;
      record.tags = merge.status === 'too-many' ? `not added: already ${merge.existing} tags` : merge.status;
    } catch (err) {
      if (!(err instanceof Error && GONE.has(err.name))) {
        failure ??= err;
        return;
      }
      count.gone += 1;
      record.gone = true;
    } finally {
      bar.tick();
    }
    await log.write(`${JSON.stringify(record)}\n`);
  };

  await Promise.all(findings.map((f) => limit(() => one(f))));
  bar.done();
  const ref = await log.close();
  const target = `s3://${bucket}`;
  const changes: Change[] = [
    ...(count.held
      ? [{ action: 'put-legal-hold', target, detail: `${count.held} finding version(s)`, count: count.held }]
      : []),
    ...(count.tagged
      ? [
          {
            action: 'tag-object-versions',
            target,
            detail: `drp:quarantine=true, drp:incident=${ctx.incidentId} on ${count.tagged} version(s)`,
            count: count.tagged,
          },
        ]
      : []),
  ];
  const notes = [
    ...(count.already ? [`${count.already} version(s) were already held and tagged`] : []),
    ...(count.tagLimit
      ? [
          `${count.tagLimit} version(s) already carry S3's limit of tags: legal hold on, drp tags not added (see ${ref.path})`,
        ]
      : []),
    ...(count.gone ? [`${count.gone} finding version(s) no longer exist (see ${ref.path})`] : []),
    `quarantine log: ${ref.path}`,
  ];
  const applied: Applied = { changes, requestIds, data: { ...count, log: ref }, notes };
  if (failure !== undefined) throw new StepFailure(applied, { cause: failure });
  return applied;
}
