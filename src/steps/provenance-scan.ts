import * as z from 'zod';
import { UserError } from '../errors.js';
import { parseTrustedSigner } from '../provenance/classify.js';
import { DEFAULT_LIMITS } from '../provenance/ranged-reader.js';
import { defineStep } from './define.js';
import { provenancePages } from './lib/provenance-candidates.js';
import { runProvenance } from './lib/provenance-run.js';
import { mib } from './lib/provenance-tally.js';
import { BucketName, ObjectKeyPrefix } from '../names.js';
import { parseSince } from '../since.js';
import { requireBucket } from './lib/bucket.js';
import { listingOf } from './lib/scan-candidates.js';

export interface Observed {
  bucket: string;
  prefix: string;
  /** The start of the window, resolved once here (ISO), or null: current versions. */
  since: string | null;
  listed: number;
  candidates: number;
  skipped: Record<string, number>;
  /** Bytes the first ranged read of every candidate covers, and the most all reads may cover. */
  estimate: { firstRangeBytes: number; maxBytes: number };
}

const MIN_CAP = 64 * 1024;

const params = z
  .object({
    bucket: BucketName,
    prefix: ObjectKeyPrefix.default(''),
    since: z
      .string()
      .superRefine((s, c) => {
        const error = s === '' ? undefined : parseSince(s, new Date()).error;
        if (error) c.addIssue({ code: 'custom', message: error });
      })
      .default(''),
    /** false plans nothing: `drp scan` without --provenance. */
    enabled: z.boolean().default(true),
    /** Certificate subjects (DN) or SHA-256 fingerprints whose valid manifests make an image `trusted`. */
    trustedSigners: z
      .array(
        z.string().refine((s) => parseTrustedSigner(s) !== undefined, {
          message:
            'a trusted signer is a certificate subject DN ("CN=Acme Studio, O=Acme Retail") or its SHA-256 fingerprint (64 hex digits, colons allowed)',
        }),
      )
      .default([]),
    /** Images without credentials, or signed by someone not trusted, are findings too. */
    requireCredentials: z.boolean().default(false),
    /** Bytes read from one object at most, the whole image included when its credentials need it. */
    maxBytes: z
      .number()
      .int()
      .min(MIN_CAP)
      .max(1024 * 1024 * 1024)
      .default(DEFAULT_LIMITS.maxBytes),
  })
  .strict();

export type ProvenanceParams = z.output<typeof params>;

export default defineStep({
  type: 'provenance-scan',
  summary:
    'Read the Content Credentials (C2PA) and XMP digital source type of the JPEG, PNG and HEIF images of a bucket with bounded ranged reads, and classify each: declared-ai, trusted, invalid, untrusted or none; findings go to a JSON Lines artefact',
  params,
  // kms:Decrypt: an SSE-KMS object cannot be read without it (S3 answers AccessDenied). The bucket's
  // default encryption does not tell which objects use KMS (each upload may choose), so it is always listed.
  permissions: [
    's3:ListBucket',
    's3:ListBucketVersions',
    's3:GetObject',
    's3:GetObjectVersion',
    'kms:Decrypt',
  ],
  example: {
    bucket: 'product-media-prod',
    since: '7d',
    trustedSigners: ['CN=Acme Studio, O=Acme Retail'],
    requireCredentials: false,
  },

  // Lists only: reading objects is the apply's work, and its bytes are what the plan estimates.
  async plan(ctx, p) {
    const window = p.since ? parseSince(p.since, ctx.now()) : undefined;
    const since = window?.date?.toISOString() ?? null;
    const observed: Observed = {
      bucket: p.bucket,
      prefix: p.prefix,
      since,
      listed: 0,
      candidates: 0,
      skipped: {},
      estimate: { firstRangeBytes: 0, maxBytes: 0 },
    };
    if (!p.enabled) return { observed, changes: [] };
    await requireBucket(ctx.aws.s3, p.bucket);
    if (window?.error) throw new UserError(`since ${window.error}`);
    for await (const page of provenancePages(ctx.aws.s3, listingOf(observed, ctx.settings.concurrency))) {
      for (const c of page) {
        observed.listed += 1;
        if (c.skip) {
          observed.skipped[c.skip] = (observed.skipped[c.skip] ?? 0) + 1;
          continue;
        }
        observed.candidates += 1;
        observed.estimate.firstRangeBytes += Math.min(c.version.size, DEFAULT_LIMITS.firstRange);
        observed.estimate.maxBytes += Math.min(c.version.size, p.maxBytes);
      }
    }
    const n = observed.candidates;
    const what = since ? `versions written since ${since}` : 'current versions';
    const skipped = Object.entries(observed.skipped).map(([reason, count]) => `${reason} ${count}`);
    const bySubject = p.trustedSigners.some((s) => 'subject' in parseTrustedSigner(s)!);
    return {
      observed,
      changes: n
        ? [
            {
              action: 'read-provenance',
              target: `s3://${p.bucket}/${p.prefix}`,
              detail: `${n} image(s) (${what}): ${n} ranged read(s) of the first ${mib(DEFAULT_LIMITS.firstRange)}, ~${mib(observed.estimate.firstRangeBytes)} in all; an image with Content Credentials is read whole (at most ${mib(p.maxBytes)} each, ${mib(observed.estimate.maxBytes)} for all at most), ${ctx.settings.concurrency} at a time`,
              count: n,
            },
          ]
        : [],
      notes: [
        ...(n ? [] : [`no JPEG, PNG or HEIF image among ${observed.listed} ${what}`]),
        ...(skipped.length ? [`not read: ${skipped.join(', ')}`] : []),
        ...(bySubject
          ? [
              "--trusted-signer matches the certificate subject, which anyone can put in a certificate of their own: drp does not check the chain to a trust anchor, so pin the signer by its SHA-256 fingerprint where you can (the inventory artefact records each signer's)",
            ]
          : []),
      ],
    };
  },

  apply: (ctx, p, plan) =>
    runProvenance(ctx, {
      bucket: plan.observed.bucket,
      prefix: plan.observed.prefix,
      since: plan.observed.since,
      candidates: plan.observed.candidates,
      limits: { ...DEFAULT_LIMITS, maxBytes: p.maxBytes },
      trusted: p.trustedSigners.map((s) => parseTrustedSigner(s)!),
      requireCredentials: p.requireCredentials,
    }),
});
