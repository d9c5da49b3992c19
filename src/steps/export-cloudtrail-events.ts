import * as z from 'zod';
import type { LookupAttribute } from '../aws/cloudtrail.js';
import { NotImplementedByEndpoint } from '../aws/unavailable.js';
import { describeError } from '../errors.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { describeWindow, Since, windowOf, type Window } from './lib/preservation/window.js';
import { globalEventRegion } from '../identities.js';
import { BucketName, IamName, partitionOf } from '../names.js';

interface Lookup {
  attribute: LookupAttribute;
  value: string;
  /** What the lookup is about, for the artefact name: bucket, user, role. */
  subject: 'bucket' | 'user' | 'role';
  /** Where the event history is read: the run's region, or the partition's global-event region. */
  region: string;
}

export interface Observed {
  window: { start: string; end: string };
  lookups: Lookup[];
}

/** CloudTrail's event history keeps 90 days: an older start is cut there, and said so. */
const HISTORY_DAYS = 90;

async function exportOne(
  ctx: StepContext,
  lookup: Lookup,
  window: Window,
  maxEvents: number,
): Promise<{ change: Change; truncated: boolean }> {
  const ct =
    lookup.region === ctx.region ? ctx.aws.cloudtrail : (await ctx.awsAs('target', lookup)).cloudtrail;
  // The first page comes before the artefact is opened: an endpoint without LookupEvents leaves none.
  let page = await ct.lookupEvents(lookup.attribute, lookup.value, window);
  const where = lookup.region === ctx.region ? '' : `-${lookup.region}`;
  const name = `cloudtrail-events-${lookup.subject}-${lookup.value}${where}.json`;
  const out = ctx.artefacts.stream(name);
  let count = 0;
  let truncated = false;
  await out.write('[');
  for (;;) {
    for (const event of page.events) {
      if (count >= maxEvents) {
        truncated = true;
        break;
      }
      await out.write(`${count ? ',' : ''}\n${JSON.stringify(event)}`);
      count += 1;
    }
    if (truncated || !page.nextToken) break;
    if (count >= maxEvents) {
      truncated = true;
      break;
    }
    page = await ct.lookupEvents(lookup.attribute, lookup.value, window, page.nextToken);
  }
  await out.write('\n]\n');
  const ref = await out.close();
  return {
    change: {
      action: 'export-events',
      target: lookupTarget(ctx, lookup),
      detail: `${count} event(s) to artefact ${ref.path}`,
      count,
    },
    truncated,
  };
}

const lookupTarget = (ctx: StepContext, l: Lookup) =>
  `${l.attribute}=${l.value}${l.region === ctx.region ? '' : ` in ${l.region}`}`;

/**
 * The lookups of the window. Events by a user carry its name as Username; a role's sessions do
 * not, so its lookup is the events naming the role as a resource (AssumeRole, changes to the
 * role). A user's or role's IAM, STS and console sign-in events are global-service events, which
 * CloudTrail's event history keeps in one region of the partition only (us-east-1 in aws; since
 * November 2021 LookupEvents elsewhere no longer shows them): those subjects are looked up there
 * too. The bucket's S3 events stay in its own region.
 */
function lookupsOf(ctx: StepContext, p: { bucket: string; users: string[]; roles: string[] }): Lookup[] {
  const global = globalEventRegion(partitionOf(ctx.caller.arn));
  const regions = global === ctx.region ? [ctx.region] : [ctx.region, global];
  return [
    { attribute: 'ResourceName', value: p.bucket, subject: 'bucket', region: ctx.region },
    ...p.users.flatMap((u) =>
      regions.map((region) => ({
        attribute: 'Username' as const,
        value: u,
        subject: 'user' as const,
        region,
      })),
    ),
    ...p.roles.flatMap((r) =>
      regions.map((region) => ({
        attribute: 'ResourceName' as const,
        value: r,
        subject: 'role' as const,
        region,
      })),
    ),
  ];
}

export default defineStep({
  type: 'export-cloudtrail-events',
  summary:
    "Export CloudTrail's event history (LookupEvents) of the window for the bucket and for each contained user and role (also in us-east-1, where IAM, STS and sign-in events are kept), as JSON artefacts, paced under the API's 2 calls a second",
  params: z
    .object({
      bucket: BucketName.describe('The bucket whose events are exported (LookupEvents by ResourceName)'),
      since: Since.default('7d').describe(
        'How far back events are exported: a duration (7d, 36h, 90m), an ISO 8601 time with a zone, or a date',
      ),
      users: z.array(IamName).default([]).describe('IAM users whose events are exported (by Username)'),
      roles: z
        .array(IamName)
        .default([])
        .describe(
          'IAM roles whose events are exported (by ResourceName: AssumeRole and changes to the role)',
        ),
      // Per lookup: a bound on time at 50 events a page and 2 pages a second.
      maxEvents: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .default(10_000)
        .describe('Events exported at most per subject (bucket, user or role)'),
    })
    .strict(),
  permissions: ['cloudtrail:LookupEvents'],
  example: { bucket: 'product-media-prod', since: '7d', users: ['media-uploader'], roles: ['MediaPipeline'] },

  async plan(ctx, p) {
    const now = ctx.now();
    const window = windowOf(p.since, now);
    const oldest = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
    const notes: string[] = [];
    if (window.start < oldest) {
      notes.push(
        `CloudTrail's event history keeps ${HISTORY_DAYS} days: events before ${oldest.toISOString()} are only in the trail's log files`,
      );
      window.start = oldest;
    }
    const lookups = lookupsOf(ctx, p);
    const observed: Observed = {
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      lookups,
    };
    return {
      observed,
      changes: lookups.map((l) => ({
        action: 'export-events',
        target: lookupTarget(ctx, l),
        detail: describeWindow(window),
      })),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, p, plan) {
    const window = { start: new Date(plan.observed.window.start), end: ctx.now() };
    const changes: Change[] = [];
    const notes: string[] = [];
    try {
      for (const lookup of plan.observed.lookups) {
        const { change, truncated } = await exportOne(ctx, lookup, window, p.maxEvents);
        changes.push(change);
        if (truncated) notes.push(`${change.target}: stopped at maxEvents ${p.maxEvents}; more events exist`);
      }
    } catch (err) {
      // Only an endpoint without LookupEvents at all (an emulator) is not-applicable; AWS's own
      // errors, a 500 InternalFailure after the SDK's retries included, fail the step below.
      if (err instanceof NotImplementedByEndpoint && changes.length === 0) {
        const cause = describeError(err.cause);
        return {
          changes,
          requestIds: [],
          notApplicable: `${err.service}.${err.operation} is not available from this endpoint (${cause.code}${cause.httpStatus ? `, HTTP ${cause.httpStatus}` : ''}, not an AWS reply): no events exported; emulators such as moto lack it`,
          data: { lookupEvents: 'not available from this endpoint' },
        };
      }
      throw new StepFailure({ changes, requestIds: [], ...(notes.length ? { notes } : {}) }, { cause: err });
    }
    return { changes, requestIds: [], ...(notes.length ? { notes } : {}) };
  },
});
