import type { RouteSettingsValue } from '../aws/apigatewayv2.js';
import type { PatchOperation, Throttle } from '../aws/api-gateway.js';
import { defineRestore, StepFailure, type Change, type StepContext } from './define.js';
import { stageName, type Observed, type StageObserved } from './apigateway-isolate.js';
import {
  describeRoute,
  describeThrottle,
  restKeys,
  throttleOps,
  THROTTLING_DISABLED,
  ALL_METHODS,
} from './lib/stage-throttle.js';

type HttpSettings = {
  defaultRouteSettings: RouteSettingsValue;
  routeSettings: Record<string, RouteSettingsValue>;
};

/** What the restore sends for one stage, planned read-only from the recorded and the live state. */
type Put =
  | { kind: 'rest'; apiId: string; name: string; region: string; operations: PatchOperation[] }
  | ({
      kind: 'http';
      apiId: string;
      name: string;
      region: string;
    } & HttpSettings);

const keyOf = (s: Pick<StageObserved, 'apiId' | 'name' | 'region'>) => `${s.region}/${s.apiId}/${s.name}`;
const zero = (t: Throttle | undefined) => t?.rateLimit === 0 && t?.burstLimit === 0;
const zeroRoute = (r: RouteSettingsValue | undefined) =>
  r?.ThrottlingRateLimit === 0 && r?.ThrottlingBurstLimit === 0;
const sameRoute = (a: RouteSettingsValue | undefined, b: RouteSettingsValue) =>
  a?.ThrottlingRateLimit === b.ThrottlingRateLimit && a?.ThrottlingBurstLimit === b.ThrottlingBurstLimit;

interface Planned {
  put?: Put;
  drift: string[];
  kept: string[];
  notes: string[];
}

async function planRest(ctx: StepContext, s: Extract<StageObserved, { kind: 'rest' }>): Promise<Planned> {
  const live = await ctx.aws.apigateway.getStage(s.apiId, s.name, s.region);
  if (!live)
    return { drift: [], kept: [], notes: [`stage ${stageName(s)} no longer exists: nothing to put back`] };
  const operations: PatchOperation[] = [];
  const drift: string[] = [];
  const kept: string[] = [];
  for (const key of restKeys(s.methodSettings)) {
    const before = s.methodSettings[key];
    const target = {
      rateLimit: before?.rateLimit ?? THROTTLING_DISABLED,
      burstLimit: before?.burstLimit ?? THROTTLING_DISABLED,
    };
    const now = live.methodSettings[key];
    if (now?.rateLimit === target.rateLimit && now?.burstLimit === target.burstLimit) continue;
    if (!zero(now))
      drift.push(
        `stage ${stageName(s)}: method setting ${key} is ${describeThrottle(now)} now, not rate 0, burst 0 as drp left it`,
      );
    operations.push(...throttleOps(key, target));
    if (!before)
      kept.push(
        `stage ${stageName(s)}: the ${key} method setting drp created stays, with throttling ${THROTTLING_DISABLED} (disabled: the account's limits apply, as before drp); API Gateway cannot remove a method setting`,
      );
  }
  const put = operations.length
    ? { kind: 'rest' as const, apiId: s.apiId, name: s.name, region: s.region, operations }
    : undefined;
  return { ...(put ? { put } : {}), drift, kept, notes: [] };
}

async function planHttp(
  ctx: StepContext,
  s: Extract<StageObserved, { kind: 'http' }>,
  accountThrottle: (region: string) => Promise<Throttle>,
): Promise<Planned> {
  const live = await ctx.aws.apigatewayv2.getStage(s.apiId, s.name, s.region);
  if (!live)
    return { drift: [], kept: [], notes: [`stage ${stageName(s)} no longer exists: nothing to put back`] };
  const unset = [s.defaultRouteSettings, ...Object.values(s.routeSettings)].some(
    (r) => r.ThrottlingRateLimit === undefined || r.ThrottlingBurstLimit === undefined,
  );
  const account = unset ? await accountThrottle(s.region) : {};
  if (unset && (account.rateLimit === undefined || account.burstLimit === undefined))
    return {
      drift: [],
      kept: [],
      notes: [
        `stage ${stageName(s)}: its throttling was not set before drp, and API Gateway did not give the account's limits to put in its place; set them by hand with "aws apigatewayv2 update-stage --region ${s.region} --api-id ${s.apiId} --stage-name ${s.name} --default-route-settings ThrottlingBurstLimit=B,ThrottlingRateLimit=R"`,
      ],
    };
  // An HTTP stage's throttling cannot be unset again: where none was set, the account's limits,
  // which applied in its absence, go in its place.
  const fill = (r: RouteSettingsValue): RouteSettingsValue => ({
    ...r,
    ThrottlingRateLimit: r.ThrottlingRateLimit ?? account.rateLimit,
    ThrottlingBurstLimit: r.ThrottlingBurstLimit ?? account.burstLimit,
  });
  const settings: HttpSettings = {
    defaultRouteSettings: fill(s.defaultRouteSettings),
    routeSettings: Object.fromEntries(Object.entries(s.routeSettings).map(([k, v]) => [k, fill(v)])),
  };
  const drift: string[] = [];
  const differs = (now: RouteSettingsValue | undefined, target: RouteSettingsValue, what: string) => {
    if (sameRoute(now, target)) return false;
    if (!zeroRoute(now))
      drift.push(
        `stage ${stageName(s)}: ${what} throttling is ${describeRoute(now)} now, not 0 as drp left it`,
      );
    return true;
  };
  const changed = [
    differs(live.defaultRouteSettings, settings.defaultRouteSettings, 'the default route'),
    ...Object.entries(settings.routeSettings).map(([k, v]) =>
      differs(live.routeSettings[k], v, `route ${k}`),
    ),
  ].some(Boolean);
  if (!changed) return { drift: [], kept: [], notes: [] };
  const kept = unset
    ? [
        `stage ${stageName(s)}: its throttling was not set before drp and cannot be unset; the account's limits (rate ${account.rateLimit}/s, burst ${account.burstLimit}), which applied in its absence, are set in its place`,
      ]
    : [];
  return {
    put: { kind: 'http', apiId: s.apiId, name: s.name, region: s.region, ...settings },
    drift,
    kept,
    notes: [],
  };
}

/** The stages the run throttled: from its result, or (a run cut off mid-step) every one it meant to. */
function throttledBy(observed: Observed, data: unknown): StageObserved[] {
  const done = (data as { throttled?: string[] } | undefined)?.throttled;
  return done ? observed.stages.filter((s) => done.includes(keyOf(s))) : observed.stages;
}

/**
 * Puts each stage's throttling back as the run recorded it: REST method settings to their old
 * rate and burst (a method setting drp had to create: throttling disabled), HTTP and WebSocket
 * route settings whole, as they were.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['apigateway:GET', 'apigateway:PATCH'],

  async plan(ctx, { plan: { observed }, result }) {
    const throttles = new Map<string, Promise<Throttle>>();
    const accountThrottle = (region: string) => {
      if (!throttles.has(region)) throttles.set(region, ctx.aws.apigateway.getAccountThrottle(region));
      return throttles.get(region)!;
    };
    const puts: Put[] = [];
    const changes: Change[] = [];
    const drift: string[] = [];
    const kept: string[] = [];
    const notes: string[] = [];
    for (const s of throttledBy(observed, result?.data)) {
      const p = s.kind === 'rest' ? await planRest(ctx, s) : await planHttp(ctx, s, accountThrottle);
      drift.push(...p.drift);
      kept.push(...p.kept);
      notes.push(...p.notes);
      if (!p.put) continue;
      puts.push(p.put);
      changes.push({
        action: 'update-stage',
        target: `${s.kind === 'rest' ? 'REST API' : 'HTTP API'} ${stageName(s)}`,
        detail:
          s.kind === 'rest'
            ? `method throttling back to ${describeThrottle(s.methodSettings[ALL_METHODS])} for every method, and each method's own`
            : `route settings back to the default route's ${describeRoute(s.defaultRouteSettings)}, and each route's own`,
      });
    }
    return {
      observed: { puts },
      before: observed.stages,
      changes,
      drift,
      kept,
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, _recorded, plan) {
    const { puts } = plan.observed as { puts: Put[] };
    const changes: Change[] = [];
    const requestIds: string[] = [];
    for (const [i, put] of puts.entries()) {
      try {
        const call =
          put.kind === 'rest'
            ? await ctx.aws.apigateway.updateStage(put.apiId, put.name, put.operations, put.region)
            : await ctx.aws.apigatewayv2.updateStage(put.apiId, put.name, put, put.region);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(plan.changes[i]!);
      } catch (err) {
        throw new StepFailure({ changes, requestIds }, { cause: err });
      }
    }
    return { changes, requestIds };
  },
});
