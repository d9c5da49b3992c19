import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
  type RouteSettings,
  type Stage,
} from '@aws-sdk/client-apigatewayv2';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { perRegion, type ClientForRegion } from './regional.js';

/** A route's settings as API Gateway v2 holds them (throttling, logging, metrics). */
export type RouteSettingsValue = Pick<
  RouteSettings,
  | 'DataTraceEnabled'
  | 'DetailedMetricsEnabled'
  | 'LoggingLevel'
  | 'ThrottlingBurstLimit'
  | 'ThrottlingRateLimit'
>;

export interface HttpStage {
  name: string;
  defaultRouteSettings: RouteSettingsValue;
  /** By route key: `GET /media/{id}`, `$default`, ... */
  routeSettings: Record<string, RouteSettingsValue>;
}

/** HTTP and WebSocket APIs (API Gateway v2): what apigateway-isolate needs. */
export interface ApiGatewayV2Port {
  listApis(region?: string): Promise<{ id: string; name: string; protocol: string }[]>;
  /** undefined: no HTTP or WebSocket API of that id in the region. */
  getStages(apiId: string, region?: string): Promise<HttpStage[] | undefined>;
  getStage(apiId: string, stage: string, region?: string): Promise<HttpStage | undefined>;
  /**
   * AWS replaces each settings object sent whole: a field left out is not kept but reset (unset
   * throttling reads as 0, which blocks every request), so callers send every field.
   */
  updateStage(
    apiId: string,
    stage: string,
    settings: { defaultRouteSettings: RouteSettingsValue; routeSettings: Record<string, RouteSettingsValue> },
    region?: string,
  ): Promise<Call>;
}

export function createApiGatewayV2Clients(
  settings: AwsSettings,
  readOnly: boolean,
): ClientForRegion<ApiGatewayV2Client> {
  return perRegion(settings, (s) => instrument(new ApiGatewayV2Client(clientOptions(s)), readOnly));
}

const FIELDS = [
  'DataTraceEnabled',
  'DetailedMetricsEnabled',
  'LoggingLevel',
  'ThrottlingBurstLimit',
  'ThrottlingRateLimit',
] as const;

export const settingsOf = (r: RouteSettings | undefined): RouteSettingsValue =>
  Object.fromEntries(FIELDS.filter((f) => r?.[f] !== undefined).map((f) => [f, r![f]]));

const stageOf = (
  s: Partial<Pick<Stage, 'StageName' | 'DefaultRouteSettings' | 'RouteSettings'>>,
): HttpStage => ({
  name: s.StageName ?? '',
  defaultRouteSettings: settingsOf(s.DefaultRouteSettings),
  routeSettings: Object.fromEntries(
    Object.entries(s.RouteSettings ?? {}).map(([k, v]) => [k, settingsOf(v)]),
  ),
});

export function createApiGatewayV2Port(clientFor: ClientForRegion<ApiGatewayV2Client>): ApiGatewayV2Port {
  return {
    async listApis(region) {
      const apis: { id: string; name: string; protocol: string }[] = [];
      let next: string | undefined;
      do {
        const out = await clientFor(region).send(new GetApisCommand({ NextToken: next }));
        for (const a of out.Items ?? [])
          if (a.ApiId) apis.push({ id: a.ApiId, name: a.Name ?? '', protocol: a.ProtocolType ?? '' });
        next = out.NextToken;
      } while (next);
      return apis;
    },

    async getStages(apiId, region) {
      const stages: HttpStage[] = [];
      let next: string | undefined;
      try {
        do {
          const out = await clientFor(region).send(new GetStagesCommand({ ApiId: apiId, NextToken: next }));
          stages.push(...(out.Items ?? []).map(stageOf));
          next = out.NextToken;
        } while (next);
      } catch (err) {
        if (isNotFound(err, 'NotFoundException')) return undefined;
        throw err;
      }
      return stages;
    },

    async getStage(apiId, stage, region) {
      try {
        return stageOf(await clientFor(region).send(new GetStageCommand({ ApiId: apiId, StageName: stage })));
      } catch (err) {
        if (isNotFound(err, 'NotFoundException')) return undefined;
        throw err;
      }
    },

    async updateStage(apiId, stage, settings, region) {
      return callOf(
        await clientFor(region).send(
          new UpdateStageCommand({
            ApiId: apiId,
            StageName: stage,
            DefaultRouteSettings: settings.defaultRouteSettings,
            ...(Object.keys(settings.routeSettings).length ? { RouteSettings: settings.routeSettings } : {}),
          }),
        ),
      );
    },
  };
}
