import * as z from 'zod';
import type { Trail, TrailStatus } from '../aws/cloudtrail.js';
import { formatError } from '../errors.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { s3DataEvents, trailsCovering, type DataEventCoverage } from './lib/preservation/trails.js';
import { BucketName, partitionOf } from '../names.js';

export interface TrailReport extends Trail {
  status?: TrailStatus;
  s3DataEvents?: DataEventCoverage;
  /** Why the status or selectors could not be read. */
  error?: string;
}

export interface Observed {
  region: string;
  bucket: string;
  trails: TrailReport[];
}

const ARTEFACT = 'cloudtrail-status.json';

async function inspect(ctx: StepContext, trail: Trail, bucket: string): Promise<TrailReport> {
  try {
    const [status, selectors] = await Promise.all([
      ctx.aws.cloudtrail.getTrailStatus(trail.arn),
      ctx.aws.cloudtrail.getEventSelectors(trail.arn),
    ]);
    return {
      ...trail,
      status,
      s3DataEvents: s3DataEvents(selectors, bucket, partitionOf(trail.arn || ctx.caller.arn)),
    };
  } catch (err) {
    return { ...trail, error: formatError(err) };
  }
}

/** What the operator must know: every way CloudTrail evidence of this bucket is missing or weak. */
function findings(o: Observed, ensureLogging: boolean): string[] {
  const missing = (text: string) => `evidence is missing: ${text}`;
  if (o.trails.length === 0)
    return [
      missing(
        `no CloudTrail trail records events in ${o.region}: only the 90-day event history has management events, and no S3 data events of ${o.bucket} exist anywhere`,
      ),
    ];
  const notes: string[] = [];
  const fix = ensureLogging ? '' : ' (ensureLogging: true fixes it)';
  for (const t of o.trails) {
    if (t.error) notes.push(`trail ${t.name}: its status could not be read: ${t.error}`);
    if (t.status && !t.status.isLogging) notes.push(missing(`trail ${t.name} is not logging${fix}`));
    if (t.status?.latestDeliveryError)
      notes.push(missing(`trail ${t.name} fails to deliver log files: ${t.status.latestDeliveryError}`));
    if (!t.logFileValidation)
      notes.push(
        `trail ${t.name} has no log file validation: its log files cannot be proven unaltered${fix}`,
      );
    if (t.s3DataEvents?.coverage === 'some')
      notes.push(`trail ${t.name} records only some S3 data events of ${o.bucket}: ${t.s3DataEvents.detail}`);
  }
  const logging = o.trails.filter((t) => t.status?.isLogging);
  if (logging.length === 0) notes.push(missing(`no trail covering ${o.region} is logging${fix}`));
  if (!o.trails.some((t) => t.s3DataEvents && t.s3DataEvents.coverage !== 'none'))
    notes.push(
      missing(
        `no trail records S3 data events for ${o.bucket}: object reads and writes (who downloaded what) are not in CloudTrail`,
      ),
    );
  return notes;
}

/** The changes ensureLogging makes; a trail of another home region can only be changed from there. */
function repairs(o: Observed): { changes: Change[]; notes: string[] } {
  const changes: Change[] = [];
  const notes: string[] = [];
  for (const t of o.trails) {
    const needs = [
      ...(t.status && !t.status.isLogging ? ['start-logging'] : []),
      ...(!t.logFileValidation ? ['enable-log-file-validation'] : []),
    ];
    if (needs.length === 0) continue;
    if (t.homeRegion !== o.region) {
      notes.push(
        `trail ${t.name} belongs to ${t.homeRegion}: run again with --region ${t.homeRegion} to change it`,
      );
      continue;
    }
    for (const action of needs) changes.push({ action, target: t.arn });
  }
  return { changes, notes };
}

export default defineStep({
  type: 'cloudtrail-status',
  summary:
    'Record whether CloudTrail keeps the evidence of this bucket (trails covering the region: logging, multi-region, log file validation, S3 data events for the bucket) as an artefact; with ensureLogging, start logging and turn on log file validation',
  params: z
    .object({
      bucket: BucketName.describe('The bucket whose S3 data events the trails should record'),
      ensureLogging: z
        .boolean()
        .default(false)
        .describe(
          "Start logging and turn on log file validation of the trails whose home region is the run's",
        ),
    })
    .strict(),
  permissions: [
    'cloudtrail:DescribeTrails',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:GetEventSelectors',
    'cloudtrail:StartLogging',
    'cloudtrail:UpdateTrail',
  ],
  example: { bucket: 'product-media-prod', ensureLogging: false },

  async plan(ctx, p) {
    const trails = trailsCovering(await ctx.aws.cloudtrail.describeTrails(), ctx.region);
    const observed: Observed = {
      region: ctx.region,
      bucket: p.bucket,
      trails: await Promise.all(trails.map((t) => inspect(ctx, t, p.bucket))),
    };
    const repair = p.ensureLogging ? repairs(observed) : { changes: [], notes: [] };
    return {
      observed,
      changes: [
        {
          action: 'record-trail-status',
          target: `artefact ${ARTEFACT}`,
          detail: `${trails.length} trail(s)`,
        },
        ...repair.changes,
      ],
      notes: [...findings(observed, p.ensureLogging), ...repair.notes],
    };
  },

  async apply(ctx, _p, plan) {
    const done: Change[] = [];
    const requestIds: string[] = [];
    try {
      const ref = await ctx.artefacts.write(ARTEFACT, `${JSON.stringify(plan.observed, null, 2)}\n`);
      done.push({ ...plan.changes[0]!, target: `artefact ${ref.path}` });
      for (const change of plan.changes.slice(1)) {
        const call =
          change.action === 'start-logging'
            ? await ctx.aws.cloudtrail.startLogging(change.target)
            : await ctx.aws.cloudtrail.enableLogFileValidation(change.target);
        if (call.requestId) requestIds.push(call.requestId);
        done.push(change);
      }
    } catch (err) {
      throw new StepFailure({ changes: done, requestIds }, { cause: err });
    }
    const fixed = done
      .slice(1)
      .map(
        (c) =>
          `${c.action === 'start-logging' ? 'started logging of' : 'turned on log file validation of'} ${c.target}`,
      );
    return { changes: done, requestIds, ...(fixed.length ? { notes: fixed } : {}) };
  },
});
