import * as z from 'zod';
import { UserError } from '../errors.js';
import { defineStep, type StepContext } from './define.js';
import { BucketName, ObjectKeyPrefix, RekognitionModelVersionArn } from '../names.js';
import { candidatePages, listingOf } from './lib/scan-candidates.js';
import { runScan, type ScanObserved } from './lib/scan-run.js';
import { parseSince } from '../since.js';
import { requireBucket } from './lib/bucket.js';

export type Observed = ScanObserved;

const params = z
  .object({
    bucket: BucketName.describe('The bucket to scan'),
    prefix: ObjectKeyPrefix.default('').describe('Only keys under this prefix (empty: all)'),
    since: z
      .string()
      .superRefine((s, c) => {
        const error = s === '' ? undefined : parseSince(s, new Date()).error;
        if (error) c.addIssue({ code: 'custom', message: `"${s}": ${error}` });
      })
      .default('')
      .describe(
        'Every version written since: an ISO 8601 time with a zone, a UTC date, or 30m, 24h, 7d, 2w back from now (empty: the current versions)',
      ),
    minConfidence: z
      .number()
      .min(0)
      .max(100)
      .default(80)
      .describe(
        'A label at or above this confidence (percent) is a finding; sent to Rekognition as MinConfidence',
      ),
    labels: z
      .array(z.string().min(1).max(256))
      .default([])
      .describe(
        'Only these labels count, case-insensitive; a top-level moderation label keeps its sub-labels (empty: all)',
      ),
    customLabelsModel: z
      .union([z.literal(''), RekognitionModelVersionArn])
      .default('')
      .describe(
        'A RUNNING Rekognition Custom Labels model version ARN, also called for every image (empty: none)',
      ),
    customLabels: z
      .array(z.string().min(1).max(256))
      .default([])
      .describe(
        'The Custom Labels model labels that are findings (a binary model also labels authentic images)',
      ),
    maxTps: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe('Rekognition calls per second at most, all operations together: your account quota'),
    enabled: z
      .boolean()
      .default(true)
      .describe('false plans nothing (drp scan --provenance without --rekognition)'),
  })
  .strict()
  .refine((p) => !p.customLabelsModel || p.customLabels.length > 0, {
    path: ['customLabels'],
    message:
      'customLabels names the labels of the Custom Labels model that are findings (e.g. ["synthetic"]); without them every image the model labels, "authentic" included, would be one',
  });

export type ScanParams = z.output<typeof params>;

const approx = (seconds: number) =>
  seconds < 90
    ? `${Math.max(1, Math.ceil(seconds))}s`
    : seconds < 5400
      ? `${Math.ceil(seconds / 60)} min`
      : `${(seconds / 3600).toFixed(1)} h`;

/** A model that is not RUNNING fails the step; drp never starts one (it bills per inference-unit hour). */
async function checkModel(ctx: StepContext, arn: string): Promise<{ arn: string; status: string }> {
  const model = await ctx.aws.rekognition.describeModelVersion(arn);
  if (!model)
    throw new UserError(
      `custom labels model ${arn} does not exist (or is in another account or region): check it with \`aws rekognition describe-projects\``,
    );
  if (model.status === 'RUNNING') return { arn, status: model.status };
  const why = model.statusMessage ? ` (${model.statusMessage})` : '';
  const todo =
    model.status === 'STARTING'
      ? 'wait until it is RUNNING, then run the scan again'
      : `start it with \`aws rekognition start-project-version --project-version-arn ${arn} --min-inference-units 1\`, wait until it is RUNNING, then run the scan again. drp does not start models: a running model is billed per inference-unit hour, so stop it afterwards (stop-project-version)`;
  throw Object.assign(new Error(`custom labels model is ${model.status}, not RUNNING${why}: ${todo}`), {
    name: 'ModelNotRunning',
  });
}

export default defineStep({
  type: 'rekognition-scan',
  summary:
    'Scan the JPEG and PNG images of a bucket (current versions, or every version since a time) with Rekognition content moderation and optionally a Custom Labels model; findings go to a JSON Lines artefact',
  params,
  permissions: [
    's3:ListBucket',
    's3:ListBucketVersions',
    's3:GetObject',
    's3:GetObjectVersion',
    'rekognition:DetectModerationLabels',
    'rekognition:DetectCustomLabels',
    'rekognition:DescribeProjects',
    'rekognition:DescribeProjectVersions',
    // Rekognition reads an SSE-KMS object with the caller's credentials: without kms:Decrypt on its
    // key the image is "not scanned" (InvalidS3ObjectException). Which objects use KMS is per object.
    'kms:Decrypt',
  ],
  example: { bucket: 'product-media-prod', since: '7d', minConfidence: 80, maxTps: 10 },

  // Lists and counts only: a Rekognition call costs money and is not a read.
  async plan(ctx, p) {
    if (!p.enabled) {
      const none = { bucket: p.bucket, prefix: p.prefix, since: null, listed: 0, scannable: 0 };
      return { observed: { ...none, skipped: {}, customLabelsModel: null }, changes: [] };
    }
    await requireBucket(ctx.aws.s3, p.bucket);
    const window = p.since ? parseSince(p.since, ctx.now()) : undefined;
    if (window?.error) throw new UserError(`since "${p.since}": ${window.error}`);
    const since = window?.date?.toISOString() ?? null;
    const customLabelsModel = p.customLabelsModel ? await checkModel(ctx, p.customLabelsModel) : null;

    const observed: Observed = {
      bucket: p.bucket,
      prefix: p.prefix,
      since,
      listed: 0,
      scannable: 0,
      skipped: {},
      customLabelsModel,
    };
    for await (const page of candidatePages(ctx.aws.s3, listingOf(observed, ctx.settings.concurrency))) {
      for (const c of page) {
        observed.listed += 1;
        if (c.skip) observed.skipped[c.skip] = (observed.skipped[c.skip] ?? 0) + 1;
        else observed.scannable += 1;
      }
    }

    const n = observed.scannable;
    const calls = n * (customLabelsModel ? 2 : 1);
    const what = since ? `versions written since ${since}` : 'current versions';
    const skipped = Object.entries(observed.skipped).map(([reason, count]) => `${reason} ${count}`);
    return {
      observed,
      changes: n
        ? [
            {
              action: 'scan-images',
              target: `s3://${p.bucket}/${p.prefix}`,
              detail: `${n} JPEG/PNG image(s) (${what}): ~${calls} Rekognition call(s), ~${approx(calls / p.maxTps)} at ${p.maxTps} calls/s`,
              count: n,
            },
          ]
        : [],
      notes: [
        ...(n ? [] : [`no JPEG or PNG image to scan among ${observed.listed} ${what}`]),
        ...(skipped.length ? [`not scanned: ${skipped.join(', ')}`] : []),
        ...(customLabelsModel
          ? [`custom labels model is RUNNING (billed per hour while it runs: stop it when done)`]
          : []),
      ],
    };
  },

  apply: (ctx, p, plan) => runScan(ctx, p, plan.observed),

  // A Custom Labels model is billed per inference-unit hour while it runs, not per image: its
  // plan note says so. Rekognition reads each image from S3 with the caller's credentials.
  cost: ({ observed }) => [
    { priceKey: 'rekognition.image', units: observed.scannable, what: 'images scanned' },
    {
      priceKey: 's3.request.tier2',
      units: observed.scannable,
      what: 'GET requests (Rekognition reads each image)',
    },
  ],
});
