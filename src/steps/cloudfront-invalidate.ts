import * as z from 'zod';
import { formatError } from '../errors.js';
import { BucketName, ObjectKeyPrefix } from '../names.js';
import { plural } from '../text.js';
import { type Change, defineStep, StepFailure } from './define.js';
import { bucketOrigin, invalidationPaths } from './lib/bucket-origins.js';
import { explain, isAccessDenied } from './lib/explain.js';
import { waitForInvalidations, type Pending } from './lib/invalidation-wait.js';

export interface DistributionObserved {
  id: string;
  domainName: string;
  /** The origins on the bucket, and how they reach it. */
  origins: { id: string; domainName: string; endpoint: string }[];
  paths: string[];
}

export interface Observed {
  bucket: string;
  /** One reference per plan: a retried CreateInvalidation returns the first instead of a second. */
  callerReference: string;
  distributions: DistributionObserved[];
}

// CloudFront's limits on invalidations in progress per distribution (CloudFront Developer Guide,
// quotas): 3,000 paths, of which at most 15 with a wildcard.
const MAX_PATHS = 3_000;
const MAX_WILDCARD_PATHS = 15;

const Params = z
  .object({
    bucket: BucketName.describe('The leaked bucket: every distribution with an origin on it is invalidated'),
    paths: z
      .array(ObjectKeyPrefix)
      .max(
        MAX_PATHS,
        `CloudFront takes at most ${MAX_PATHS} paths in progress per distribution: name a prefix ending in *`,
      )
      .refine(
        (keys) => keys.filter((k) => k.includes('*')).length <= MAX_WILDCARD_PATHS,
        `CloudFront takes at most ${MAX_WILDCARD_PATHS} wildcard paths in progress per distribution`,
      )
      .refine((keys) => keys.every((k) => !k.slice(0, -1).includes('*')), 'a * may only end a path')
      .default([])
      .describe(
        "Object keys (or key prefixes ending in *) to invalidate, e.g. a scan's findings; empty: /*, every cached object",
      ),
    enabled: z.boolean().default(true).describe('false plans nothing (drp contain --no-cdn)'),
    waitSeconds: z
      .number()
      .int()
      .min(0)
      .max(3_600)
      .default(600)
      .describe(
        'How long to wait for the invalidations to complete (0: do not wait); they complete on their own',
      ),
  })
  .strict();

const cacheOf = (d: DistributionObserved) =>
  d.paths.length === 1 && d.paths[0] === '/*' ? '/* (every cached object)' : plural(d.paths.length, 'path');

function hintFor(err: unknown, d: DistributionObserved): string {
  const byHand = `invalidate it by hand with "aws cloudfront create-invalidation --distribution-id ${d.id} --paths '/*'", or run drp contain again`;
  if ((err as Error).name === 'TooManyInvalidationsInProgress')
    return `CloudFront allows ${MAX_PATHS} paths (${MAX_WILDCARD_PATHS} with a wildcard) in progress per distribution: wait for those running ("aws cloudfront list-invalidations --distribution-id ${d.id}"), then ${byHand}`;
  if (isAccessDenied(err))
    return `drp needs cloudfront:CreateInvalidation (drp permissions lists it); ${byHand}`;
  return byHand;
}

export default defineStep({
  type: 'cloudfront-invalidate',
  summary:
    'Invalidate every CloudFront distribution with an origin on the bucket (REST or website endpoint, with or without origin access control), so the edge stops serving cached copies once the bucket is denied; waits for completion and records the invalidation ids',
  params: Params,
  permissions: [
    'cloudfront:ListDistributions',
    'cloudfront:CreateInvalidation',
    'cloudfront:GetInvalidation',
  ],
  example: { bucket: 'product-media-prod', paths: [], enabled: true, waitSeconds: 600 },

  async plan(ctx, p) {
    const observed: Observed = {
      bucket: p.bucket,
      callerReference: `drp-${ctx.incidentId}-${ctx.stepId}-${ctx.now().getTime()}`,
      distributions: [],
    };
    if (!p.enabled)
      return { observed, changes: [], notes: ['CDN invalidation off (--no-cdn): nothing planned'] };
    const notes: string[] = [];
    for (const d of await ctx.aws.cloudfront.listDistributions()) {
      const origins = d.origins.flatMap((o) => bucketOrigin(o, p.bucket) ?? []);
      if (!origins.length) continue;
      if (!d.enabled) {
        notes.push(
          `distribution ${d.id} (${d.domainName}) has an origin on s3://${p.bucket} but is disabled: it serves nothing, not invalidated`,
        );
        continue;
      }
      const paths = invalidationPaths(origins, p.paths);
      if (!paths.length) {
        notes.push(
          `distribution ${d.id} serves none of the given keys (origin path ${origins.map((o) => `/${o.prefix}`).join(', ')}): not invalidated`,
        );
        continue;
      }
      observed.distributions.push({
        id: d.id,
        domainName: d.domainName,
        origins: origins.map((o) => ({ id: o.id, domainName: o.domainName, endpoint: o.endpoint })),
        paths,
      });
    }
    if (!observed.distributions.length && !notes.length)
      notes.push(`no CloudFront distribution has an origin on s3://${p.bucket}: nothing to invalidate`);
    const changes: Change[] = observed.distributions.map((d) => ({
      action: 'create-invalidation',
      target: `CloudFront ${d.id} (${d.domainName})`,
      detail: `${cacheOf(d)}, through ${d.origins.map((o) => `origin ${o.id} (${o.endpoint})`).join(', ')}`,
    }));
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, p, plan) {
    const { distributions, callerReference } = plan.observed;
    const pending: (Pending & { d: DistributionObserved })[] = [];
    const requestIds: string[] = [];
    const failed: { d: DistributionObserved; err: unknown }[] = [];
    for (const d of distributions) {
      try {
        const made = await ctx.aws.cloudfront.createInvalidation(d.id, d.paths, callerReference);
        if (made.requestId) requestIds.push(made.requestId);
        pending.push({ distributionId: d.id, invalidationId: made.invalidationId, d });
      } catch (err) {
        failed.push({ d, err });
      }
    }
    const status = await waitForInvalidations(ctx, pending, { timeoutSeconds: p.waitSeconds });
    const invalidations = pending.map((i) => ({
      distributionId: i.distributionId,
      invalidationId: i.invalidationId,
      status: status.get(i.invalidationId) ?? 'InProgress',
    }));
    const changes: Change[] = invalidations.map((i, n) => ({
      action: 'create-invalidation',
      target: `CloudFront ${i.distributionId} (${pending[n]!.d.domainName})`,
      detail: `invalidation ${i.invalidationId}: ${cacheOf(pending[n]!.d)}, ${i.status}`,
    }));
    const notes = invalidations
      .filter((i) => !/^completed$/i.test(i.status))
      .map(
        (i) =>
          `invalidation ${i.invalidationId} of ${i.distributionId} is still in progress${p.waitSeconds ? ` after ${p.waitSeconds} s` : ''}: it completes on its own ("aws cloudfront get-invalidation --distribution-id ${i.distributionId} --id ${i.invalidationId}")`,
      );
    const data = { invalidations };
    if (failed.length) {
      const first = failed[0]!;
      const others = failed.slice(1).map(({ d, err }) => `${d.id}: ${formatError(err)}`);
      const done = `${plural(pending.length, 'distribution')} invalidated${others.length ? `; also not invalidated: ${others.join('; ')}` : ''}`;
      throw new StepFailure(
        { changes, requestIds, data, notes },
        {
          cause: explain(
            first.err,
            `${first.d.id} is not invalidated: ${hintFor(first.err, first.d)}. (${done})`,
          ),
        },
      );
    }
    return { changes, requestIds, data, ...(notes.length ? { notes } : {}) };
  },
});
