import * as z from 'zod';
import type { LookupAttribute } from '../aws/cloudtrail.js';
import { NotImplementedByEndpoint } from '../aws/unavailable.js';
import { describeError } from '../errors.js';
import { BucketName, IamName, partitionOf } from '../names.js';
import { plural } from '../text.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import type { CloudTrailRecord } from './lib/persistence-events.js';
import { findingLine, findingOf, mintedKeyOf, type PersistenceFinding } from './lib/persistence-findings.js';
import { describeWindow, Since, windowOf, type Window } from './lib/preservation/window.js';

interface Lookup {
  attribute: LookupAttribute;
  value: string;
  /** Whose: the contained user or role, for a session's key the subject that minted it. */
  of: string;
}

export interface Observed {
  window: { start: string; end: string };
  users: string[];
  roles: string[];
}

/** CloudTrail's event history keeps 90 days. */
const HISTORY_DAYS = 90;
/** Findings spelled out in the summary; the artefact has them all. */
const NOTED = 40;

const Params = z
  .object({
    bucket: BucketName.describe('The leaked bucket (the drp commands the findings suggest name it)'),
    since: Since.default('7d').describe('How far back events are read: 7d, 36h, 90m, or an ISO time'),
    users: z.array(IamName).default([]).describe('Contained IAM users: their events (Username) are read'),
    roles: z
      .array(IamName)
      .default([])
      .describe(
        'Contained IAM roles: the sessions minted of them (AssumeRole) are followed by access key id',
      ),
    maxEvents: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe('Events read at most per lookup'),
    maxSessions: z
      .number()
      .int()
      .min(0)
      .max(1_000)
      .default(25)
      .describe('Temporary access keys (minted sessions) followed at most per user or role'),
  })
  .strict();
type Params = z.output<typeof Params>;

async function lookupAll(ctx: StepContext, l: Lookup, window: Window, maxEvents: number) {
  const records: CloudTrailRecord[] = [];
  let page = await ctx.aws.cloudtrail.lookupEvents(l.attribute, l.value, window);
  for (;;) {
    for (const e of page.events) records.push((e.CloudTrailEvent ?? {}) as CloudTrailRecord);
    if (!page.nextToken || records.length >= maxEvents) break;
    page = await ctx.aws.cloudtrail.lookupEvents(l.attribute, l.value, window, page.nextToken);
  }
  return { records: records.slice(0, maxEvents), truncated: records.length >= maxEvents && !!page.nextToken };
}

/** Reads the subject's events, then those of each session key it minted: the records, and what was read. */
async function readSubject(ctx: StepContext, first: Lookup, window: Window, p: Params) {
  const read: (Lookup & { events: number; truncated: boolean })[] = [];
  const out = await lookupAll(ctx, first, window, p.maxEvents);
  read.push({ ...first, events: out.records.length, truncated: out.truncated });
  const records = [...out.records];
  const minted = [...new Set(out.records.map(mintedKeyOf).filter((k): k is string => !!k))];
  for (const key of minted.slice(0, p.maxSessions)) {
    const session = await lookupAll(
      ctx,
      { attribute: 'AccessKeyId', value: key, of: first.of },
      window,
      p.maxEvents,
    );
    read.push({
      attribute: 'AccessKeyId',
      value: key,
      of: first.of,
      events: session.records.length,
      truncated: session.truncated,
    });
    records.push(...session.records);
  }
  const skipped = Math.max(0, minted.length - p.maxSessions);
  return { read, records, skipped };
}

function regionNote(ctx: StepContext): string[] {
  if (ctx.region === 'us-east-1') return [];
  return [
    `IAM and STS record their events (CreateUser, CreateAccessKey, AssumeRole...) in us-east-1's event history; this run read ${ctx.region}'s only: read us-east-1's too (drp --region us-east-1, or aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=Username,AttributeValue=USER)`,
  ];
}

export default defineStep({
  type: 'persistence-findings',
  summary:
    "List what the contained users and roles did to keep or widen access (new keys, users, roles, trusts, policies, sessions), from CloudTrail's event history of the window, each with the drp command that would contain it; drp acts on none of them",
  params: Params,
  permissions: ['cloudtrail:LookupEvents'],
  example: { bucket: 'product-media-prod', since: '7d', users: ['media-uploader'], roles: ['MediaPipeline'] },

  async plan(ctx, p) {
    const now = ctx.now();
    const window = windowOf(p.since, now);
    const oldest = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
    if (window.start < oldest) window.start = oldest;
    const observed: Observed = {
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      users: [...new Set(p.users)],
      roles: [...new Set(p.roles)],
    };
    const changes: Change[] = [
      ...observed.users.map((u) => ({
        action: 'find-persistence',
        target: `user ${u}`,
        detail: describeWindow(window),
      })),
      ...observed.roles.map((r) => ({
        action: 'find-persistence',
        target: `role ${r}`,
        detail: describeWindow(window),
      })),
    ];
    return { observed, changes, ...(changes.length ? { notes: regionNote(ctx) } : {}) };
  },

  async apply(ctx, p, plan) {
    const window = { start: new Date(plan.observed.window.start), end: ctx.now() };
    const subjects: Lookup[] = [
      ...plan.observed.users.map((u) => ({ attribute: 'Username' as const, value: u, of: `user ${u}` })),
      ...plan.observed.roles.map((r) => ({ attribute: 'ResourceName' as const, value: r, of: `role ${r}` })),
    ];
    const context = {
      bucket: p.bucket,
      accountId: ctx.caller.accountId,
      partition: partitionOf(ctx.caller.arn),
      users: plan.observed.users,
      roles: plan.observed.roles,
    };
    const findings = new Map<string, PersistenceFinding>();
    const read: unknown[] = [];
    const notes: string[] = [...regionNote(ctx)];
    const changes: Change[] = [];
    try {
      for (const s of subjects) {
        const subject = await readSubject(ctx, s, window, p);
        read.push(...subject.read);
        for (const r of subject.records) {
          const f = findingOf(r, context);
          if (f) findings.set(f.eventId || `${f.time}${f.event}${findings.size}`, f);
        }
        if (subject.skipped)
          notes.push(
            `${s.of}: ${plural(subject.skipped, 'more minted session')} not followed (maxSessions ${p.maxSessions})`,
          );
        changes.push({
          action: 'find-persistence',
          target: s.of,
          detail: `${subject.read.reduce((n, x) => n + x.events, 0)} event(s) read`,
          count: subject.records.length,
        });
      }
    } catch (err) {
      if (err instanceof NotImplementedByEndpoint) {
        const cause = describeError(err.cause);
        notes.push(
          `CloudTrail LookupEvents is not available from this endpoint (${cause.code}): no persistence looked for`,
        );
        return { changes, requestIds: [], notes, data: { lookupEvents: 'not available from this endpoint' } };
      }
      throw new StepFailure({ changes, requestIds: [], notes }, { cause: err });
    }
    const sorted = [...findings.values()].sort((a, b) => a.time.localeCompare(b.time));
    const ref = await ctx.artefacts.write(
      'persistence-findings.json',
      `${JSON.stringify({ window: { start: window.start.toISOString(), end: window.end.toISOString() }, read, findings: sorted }, null, 2)}\n`,
    );
    notes.push(...sorted.slice(0, NOTED).map(findingLine));
    if (sorted.length > NOTED)
      notes.push(`${sorted.length - NOTED} more persistence finding(s) in ${ref.path}`);
    changes.push({
      action: 'write-findings',
      target: ref.path,
      detail: `${plural(sorted.length, 'persistence finding')}`,
      count: sorted.length,
    });
    return {
      changes,
      requestIds: [],
      notes,
      data: { findings: sorted.length, refused: sorted.filter((f) => f.refused).length, artefact: ref.path },
    };
  },
});
