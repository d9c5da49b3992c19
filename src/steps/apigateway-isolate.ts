import * as z from 'zod';
import { formatError } from '../errors.js';
import { ApiRef } from '../names.js';
import { plural } from '../text.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { elsewhereMessage, resolveStages, type FoundStage } from './lib/api-targets.js';
import { explain, IsolationError, isAccessDenied } from './lib/explain.js';
import {
  describeRoute,
  describeThrottle,
  httpIsolated,
  httpIsolation,
  restIsolated,
  restIsolationOps,
  ALL_METHODS,
} from './lib/stage-throttle.js';
import restore from './apigateway-isolate.restore.js';

export type StageObserved = FoundStage;

export interface Observed {
  /** Each stage as it was: its method (REST) or route (HTTP, WebSocket) settings are the before-state. */
  stages: StageObserved[];
  elsewhere: string[];
}

const Params = z
  .object({
    apis: z
      .array(ApiRef)
      .default([])
      .describe(
        "APIs to throttle: REST, HTTP or WebSocket API ids (the run's region), ID/STAGE, or execute-api ARNs; without a stage, every stage of the API",
      ),
  })
  .strict();

export const stageName = (s: Pick<StageObserved, 'apiId' | 'name' | 'region'>) =>
  `${s.apiId}/${s.name} (${s.region})`;

function wasOf(s: StageObserved): string {
  if (s.kind === 'http') {
    const routes = Object.keys(s.routeSettings).length;
    return `default route ${describeRoute(s.defaultRouteSettings)}${routes ? `, ${plural(routes, 'route')} with own settings` : ''}`;
  }
  const perMethod = Object.keys(s.methodSettings).filter((k) => k !== ALL_METHODS).length;
  return `every method ${describeThrottle(s.methodSettings[ALL_METHODS])}${perMethod ? `, ${plural(perMethod, 'method')} with own settings` : ''}`;
}

/**
 * API Gateway applies a usage plan's per-client limits before the stage's method settings
 * (API Gateway Developer Guide, "Throttle requests to your REST APIs"): callers with an API key
 * of a plan that throttles this stage itself may not be held by the stage's 0. drp names them;
 * it does not change usage plans.
 */
async function usagePlanNotes(ctx: StepContext, s: StageObserved): Promise<string[]> {
  const plans = await ctx.aws.apigateway.usagePlansOf(s.apiId, s.name, s.region);
  return plans
    .filter((p) => p.throttle || Object.keys(p.methods).length)
    .map(
      (p) =>
        `usage plan ${p.name} (${p.id}) throttles its API keys on stage ${stageName(s)} itself, and API Gateway applies a usage plan's limits before the stage's: callers with those keys may still get through; remove the stage from the plan or set its throttle to 0 ("aws apigateway update-usage-plan --usage-plan-id ${p.id}")`,
    );
}

const isolated = (s: StageObserved) => (s.kind === 'rest' ? restIsolated(s.methodSettings) : httpIsolated(s));

async function throttle(ctx: StepContext, s: StageObserved) {
  if (s.kind === 'rest')
    return ctx.aws.apigateway.updateStage(s.apiId, s.name, restIsolationOps(s.methodSettings), s.region);
  return ctx.aws.apigatewayv2.updateStage(s.apiId, s.name, httpIsolation(s), s.region);
}

function hintFor(err: unknown, s: StageObserved): string {
  const byHand =
    s.kind === 'rest'
      ? `throttle it by hand with "aws apigateway update-stage --region ${s.region} --rest-api-id ${s.apiId} --stage-name ${s.name} --patch-operations op=replace,path=/*/*/throttling/rateLimit,value=0 op=replace,path=/*/*/throttling/burstLimit,value=0", or run drp contain again`
      : `throttle it by hand with "aws apigatewayv2 update-stage --region ${s.region} --api-id ${s.apiId} --stage-name ${s.name} --default-route-settings ThrottlingBurstLimit=0,ThrottlingRateLimit=0", or run drp contain again`;
  return isAccessDenied(err)
    ? `drp needs apigateway:PATCH on the stage (drp permissions lists it); ${byHand}`
    : byHand;
}

export default defineStep({
  type: 'apigateway-isolate',
  summary:
    'Throttle every method of each API stage to rate 0 and burst 0, REST APIs through their method settings, HTTP and WebSocket APIs through their route settings (callers get 429; the API, its deployments and integrations are left as they are), recording the previous settings',
  params: Params,
  permissions: ['apigateway:GET', 'apigateway:PATCH'],
  example: { apis: ['a1b2c3d4e5', 'arn:aws:execute-api:us-east-1:123456789012:f6g7h8i9j0/prod/*'] },

  async plan(ctx, { apis }) {
    const observed: Observed = { stages: [], elsewhere: [] };
    if (apis.length === 0)
      return { observed, changes: [], notes: ['no APIs given (param apis is empty): nothing to throttle'] };
    const resolved = await resolveStages(ctx, apis);
    observed.stages = resolved.stages;
    observed.elsewhere = resolved.elsewhere;
    const notes = [...resolved.notes];
    const changes: Change[] = [];
    for (const s of observed.stages) {
      if (s.kind === 'rest') notes.push(...(await usagePlanNotes(ctx, s)));
      if (isolated(s)) notes.push(`stage ${stageName(s)} is already throttled to 0`);
      else
        changes.push({
          action: 'throttle-stage',
          target: `${s.kind === 'rest' ? 'REST API' : 'HTTP API'} ${stageName(s)}`,
          detail: `every ${s.kind === 'rest' ? 'method' : 'route'} rate 0, burst 0: callers get 429 (was: ${wasOf(s)})`,
        });
    }
    if (observed.elsewhere.length) {
      if (changes.length === 0)
        throw new IsolationError('ApiInOtherAccount', elsewhereMessage(ctx, observed.elsewhere));
      notes.push(elsewhereMessage(ctx, observed.elsewhere));
    }
    return { observed, changes, notes };
  },

  async apply(ctx, _params, plan) {
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const throttled: string[] = [];
    const failed: { s: StageObserved; err: unknown }[] = [];
    for (const s of plan.observed.stages.filter((o) => !isolated(o))) {
      try {
        const call = await throttle(ctx, s);
        if (call.requestId) requestIds.push(call.requestId);
        throttled.push(`${s.region}/${s.apiId}/${s.name}`);
        changes.push({
          action: 'throttle-stage',
          target: `${s.kind === 'rest' ? 'REST API' : 'HTTP API'} ${stageName(s)}`,
          detail: `rate 0, burst 0 (was: ${wasOf(s)})`,
        });
      } catch (err) {
        failed.push({ s, err });
      }
    }
    const data = { throttled };
    const { elsewhere } = plan.observed;
    if (failed.length || elsewhere.length) {
      const others = [
        ...failed.slice(1).map(({ s, err }) => `${stageName(s)}: ${formatError(err)}`),
        ...(elsewhere.length ? [elsewhereMessage(ctx, elsewhere)] : []),
      ];
      const done = `${plural(throttled.length, 'stage')} throttled${others.length ? `; also ${others.join('; ')}` : ''}`;
      const first = failed[0];
      const cause = first
        ? explain(
            first.err,
            `stage ${stageName(first.s)} is not throttled: ${hintFor(first.err, first.s)}. (${done})`,
          )
        : new IsolationError('ApiInOtherAccount', `${elsewhereMessage(ctx, elsewhere)} (${done})`);
      throw new StepFailure({ changes, requestIds, data }, { cause });
    }
    return { changes, requestIds, data };
  },

  restore,
});
