import * as z from 'zod';
import type { Investigation } from '../aws/detective.js';
import { isNotImplementedByEndpoint, NotImplementedByEndpoint } from '../aws/unavailable.js';
import { UserError } from '../errors.js';
import { IamName } from '../names.js';
import { parseSince } from '../since.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { pollUntil } from './lib/poll.js';

export interface Entity {
  kind: 'user' | 'role';
  name: string;
  arn: string;
}

export interface Observed {
  graphArn?: string;
  /** Where the investigations' scope starts (`since`); it ends when they are started. */
  scopeStart?: string;
  entities: Entity[];
}

export interface Investigated {
  entity: string;
  investigationId: string;
  status: string;
  severity?: string;
  indicators?: number;
  artefact?: string;
}

const Params = z
  .object({
    users: z.array(IamName).default([]).describe('IAM users to investigate'),
    roles: z.array(IamName).default([]).describe('IAM roles to investigate'),
    since: z
      .string()
      .default('7d')
      .describe('Where the investigation scope starts: 7d, 36h, 90m or an ISO time'),
    waitMinutes: z
      .number()
      .int()
      .min(0)
      .max(180)
      .default(15)
      .describe('How long to wait for the investigations'),
    pollSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(15)
      .describe('Seconds between two reads of an investigation'),
    maxIndicators: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .default(1000)
      .describe('Indicators kept per investigation at most'),
  })
  .strict();

async function resolve(ctx: StepContext, users: string[], roles: string[], notes: string[]) {
  const entities: Entity[] = [];
  for (const name of new Set(users)) {
    const user = await ctx.aws.iam.getUser(name);
    if (user) entities.push({ kind: 'user', name, arn: user.arn });
    else notes.push(`IAM user ${name} not found: not investigated`);
  }
  for (const name of new Set(roles)) {
    const role = await ctx.aws.iam.getRole(name);
    if (role) entities.push({ kind: 'role', name, arn: role.arn });
    else notes.push(`IAM role ${name} not found: not investigated`);
  }
  return entities;
}

const noGraph = (region: string) =>
  `Amazon Detective has no behavior graph in ${region} that this account administers: nothing to investigate`;

export default defineStep({
  type: 'detective-investigate',
  summary:
    'Where Amazon Detective has a behavior graph in the region, investigate each compromised IAM user and role over the window, and keep each investigation and its indicators of compromise as a hashed artefact',
  params: Params,
  permissions: [
    'detective:ListGraphs',
    'detective:StartInvestigation',
    'detective:GetInvestigation',
    'detective:ListIndicators',
    'iam:GetUser',
    'iam:GetRole',
  ],
  example: { users: ['vendor-ai-uploader'], roles: ['media-pipeline'], since: '7d' },

  async plan(ctx, { users, roles, since }) {
    const observed: Observed = { entities: [] };
    if (users.length + roles.length === 0)
      return { observed, changes: [], notes: ['no users or roles given: nothing to investigate'] };
    const { date: start, error } = parseSince(since, ctx.now());
    if (!start) throw new UserError(`since "${since}": ${error}`);
    let graphs: string[];
    try {
      graphs = await ctx.aws.detective.listGraphs();
    } catch (err) {
      if (!isNotImplementedByEndpoint(err)) throw err;
      return {
        observed,
        changes: [],
        notApplicable: `Amazon Detective is not available here: ${new NotImplementedByEndpoint('Detective', 'ListGraphs', err).message}`,
      };
    }
    if (graphs.length === 0)
      return {
        observed,
        changes: [],
        notApplicable: noGraph(ctx.region),
        notes: [
          `${noGraph(ctx.region)}. Detective analyses only what it ingests once enabled, so enabling it now does not cover this leak; for the next one: aws detective create-graph --region ${ctx.region}`,
        ],
      };
    const notes: string[] = [];
    const entities = await resolve(ctx, users, roles, notes);
    const graphArn = graphs[0]!;
    const changes: Change[] = entities.map((e) => ({
      action: 'start-investigation',
      target: e.arn,
      detail: `in ${graphArn}, from ${start.toISOString()} to the time of apply`,
    }));
    return {
      observed: { graphArn, scopeStart: start.toISOString(), entities },
      changes,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, p, plan) {
    const { graphArn, scopeStart, entities } = plan.observed;
    const detective = ctx.aws.detective;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const notes: string[] = [];
    const done: Investigated[] = [];
    const scope = { start: new Date(scopeStart!), end: ctx.now() };
    const started: { e: Entity; id: string }[] = [];
    // The investigations exist in Detective once started: a failure later still names them.
    const data = () => ({
      investigations: done,
      started: started.map(({ e, id }) => ({ entity: e.arn, investigationId: id })),
    });
    try {
      for (const e of entities) {
        const call = await detective.startInvestigation(graphArn!, e.arn, scope);
        if (call.requestId) requestIds.push(call.requestId);
        started.push({ e, id: call.investigationId });
      }
      for (const { e, id } of started) {
        const { value, timedOut } = await pollUntil<Investigation>(
          () => detective.getInvestigation(graphArn!, id),
          (i) => i.status !== 'RUNNING',
          { timeoutMs: p.waitMinutes * 60_000, intervalMs: p.pollSeconds * 1000 },
        );
        const indicators =
          value.status === 'SUCCESSFUL' ? await detective.listIndicators(graphArn!, id, p.maxIndicators) : [];
        const ref = await ctx.artefacts.write(
          `detective-${e.kind}-${e.name}.json`,
          `${JSON.stringify({ investigation: value, indicators }, null, 2)}\n`,
        );
        done.push({
          entity: e.arn,
          investigationId: id,
          status: value.status,
          ...(value.severity ? { severity: value.severity } : {}),
          indicators: indicators.length,
          artefact: ref.path,
        });
        changes.push({
          action: 'start-investigation',
          target: e.arn,
          detail: `${id}: ${value.status}${value.severity ? `, severity ${value.severity}` : ''}, ${indicators.length} indicator(s)`,
        });
        if (timedOut)
          notes.push(
            `investigation ${id} of ${e.arn} still running after ${p.waitMinutes} min: aws detective get-investigation --graph-arn ${graphArn} --investigation-id ${id}`,
          );
        if (indicators.length >= p.maxIndicators)
          notes.push(
            `investigation ${id}: only the first ${p.maxIndicators} indicators were kept (maxIndicators)`,
          );
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds, notes, data: data() }, { cause: err });
    }
    return { changes, requestIds, data: data(), ...(notes.length ? { notes } : {}) };
  },
});
