import type { RouteSettingsValue } from '../../aws/apigatewayv2.js';
import type { PatchOperation, Throttle } from '../../aws/api-gateway.js';

/** Every method of a REST stage: the method setting that applies where no other one does. */
export const ALL_METHODS = '*/*';

/**
 * API Gateway's "throttling disabled" value for a REST method setting (the stage then applies the
 * account's limit, as it does when no method setting exists). Method settings cannot be removed,
 * only replaced (API Gateway REST API Reference, PATCH operations on UpdateStage), so this is how a
 * method setting drp created is put back in effect.
 */
export const THROTTLING_DISABLED = -1;

const isZero = (t: Throttle | undefined) => t?.rateLimit === 0 && t?.burstLimit === 0;

/** A REST stage is isolated when every method setting, `*\/*` included, is rate 0 and burst 0. */
export const restIsolated = (settings: Record<string, Throttle>) =>
  isZero(settings[ALL_METHODS]) && Object.values(settings).every(isZero);

/** The keys to throttle: `*\/*`, and every per-method setting (each overrides `*\/*` for its method). */
export const restKeys = (settings: Record<string, Throttle>) => [
  ...new Set([ALL_METHODS, ...Object.keys(settings)]),
];

export const throttleOps = (key: string, t: { rateLimit: number; burstLimit: number }): PatchOperation[] => [
  { op: 'replace', path: `/${key}/throttling/rateLimit`, value: String(t.rateLimit) },
  { op: 'replace', path: `/${key}/throttling/burstLimit`, value: String(t.burstLimit) },
];

export const restIsolationOps = (settings: Record<string, Throttle>) =>
  restKeys(settings).flatMap((key) => throttleOps(key, { rateLimit: 0, burstLimit: 0 }));

const zeroRoute = (r: RouteSettingsValue): RouteSettingsValue => ({
  ...r,
  ThrottlingBurstLimit: 0,
  ThrottlingRateLimit: 0,
});

const isZeroRoute = (r: RouteSettingsValue) => r.ThrottlingBurstLimit === 0 && r.ThrottlingRateLimit === 0;

/** An HTTP or WebSocket stage is isolated when its default and every route's throttling is 0. */
export const httpIsolated = (s: {
  defaultRouteSettings: RouteSettingsValue;
  routeSettings: Record<string, RouteSettingsValue>;
}) => isZeroRoute(s.defaultRouteSettings) && Object.values(s.routeSettings).every(isZeroRoute);

/** The settings that isolate it: throttling 0 everywhere, every other setting sent as it was. */
export const httpIsolation = (s: {
  defaultRouteSettings: RouteSettingsValue;
  routeSettings: Record<string, RouteSettingsValue>;
}) => ({
  defaultRouteSettings: zeroRoute(s.defaultRouteSettings),
  routeSettings: Object.fromEntries(Object.entries(s.routeSettings).map(([k, v]) => [k, zeroRoute(v)])),
});

export const describeThrottle = (t: Throttle | undefined) =>
  t && (t.rateLimit !== undefined || t.burstLimit !== undefined)
    ? `rate ${t.rateLimit ?? '-'}/s, burst ${t.burstLimit ?? '-'}`
    : 'not set';

export const describeRoute = (r: RouteSettingsValue | undefined) =>
  describeThrottle(r && { rateLimit: r.ThrottlingRateLimit, burstLimit: r.ThrottlingBurstLimit });
