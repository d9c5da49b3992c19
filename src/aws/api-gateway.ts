import {
  APIGatewayClient,
  GetAccountCommand,
  GetStageCommand,
  GetStagesCommand,
  paginateGetRestApis,
  paginateGetUsagePlans,
  UpdateStageCommand,
  type Stage,
} from '@aws-sdk/client-api-gateway';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { perRegion, type ClientForRegion } from './regional.js';

/** A method setting's throttling: absent values are not set on it. */
export interface Throttle {
  rateLimit?: number;
  burstLimit?: number;
}

export interface RestStage {
  name: string;
  /** By method setting key as API Gateway names it: `*\/*` (every method), `~1media~1{id}/GET`, ... */
  methodSettings: Record<string, Throttle>;
}

export interface UsagePlanThrottle {
  id: string;
  name: string;
  /** The plan's own throttle for each key; absent: none set. */
  throttle?: Throttle;
  /** Per-method throttles the plan sets on this stage, by `/resource/METHOD`. */
  methods: Record<string, Throttle>;
}

export interface PatchOperation {
  op: 'replace';
  path: string;
  value: string;
}

/**
 * REST APIs (API Gateway v1): what apigateway-isolate needs. Region is the API's (from an
 * execute-api ARN), or the run's.
 */
export interface ApiGatewayPort {
  listRestApis(region?: string): Promise<{ id: string; name: string }[]>;
  /** undefined: no REST API of that id in the region. */
  getStages(apiId: string, region?: string): Promise<RestStage[] | undefined>;
  getStage(apiId: string, stage: string, region?: string): Promise<RestStage | undefined>;
  /** Method settings' throttling is changed by `replace` operations only (AWS: no add or remove). */
  updateStage(apiId: string, stage: string, operations: PatchOperation[], region?: string): Promise<Call>;
  /** Usage plans that cover `apiId`'s `stage`, and the throttles they give their API keys there. */
  usagePlansOf(apiId: string, stage: string, region?: string): Promise<UsagePlanThrottle[]>;
  /** The account's throttle in the region: what applies where a stage sets none. */
  getAccountThrottle(region?: string): Promise<Throttle>;
}

export function createApiGatewayClients(
  settings: AwsSettings,
  readOnly: boolean,
): ClientForRegion<APIGatewayClient> {
  return perRegion(settings, (s) => instrument(new APIGatewayClient(clientOptions(s)), readOnly));
}

const throttleOf = (t: { rateLimit?: number; burstLimit?: number } | undefined): Throttle => ({
  ...(t?.rateLimit !== undefined ? { rateLimit: t.rateLimit } : {}),
  ...(t?.burstLimit !== undefined ? { burstLimit: t.burstLimit } : {}),
});

const stageOf = (s: Stage): RestStage => ({
  name: s.stageName ?? '',
  methodSettings: Object.fromEntries(
    Object.entries(s.methodSettings ?? {}).map(([key, m]) => [
      key,
      throttleOf({ rateLimit: m.throttlingRateLimit, burstLimit: m.throttlingBurstLimit }),
    ]),
  ),
});

export function createApiGatewayPort(clientFor: ClientForRegion<APIGatewayClient>): ApiGatewayPort {
  return {
    async listRestApis(region) {
      const apis: { id: string; name: string }[] = [];
      for await (const page of paginateGetRestApis({ client: clientFor(region) }, {}))
        for (const a of page.items ?? []) if (a.id) apis.push({ id: a.id, name: a.name ?? '' });
      return apis;
    },

    async getStages(apiId, region) {
      try {
        const out = await clientFor(region).send(new GetStagesCommand({ restApiId: apiId }));
        return (out.item ?? []).map(stageOf);
      } catch (err) {
        if (isNotFound(err, 'NotFoundException')) return undefined;
        throw err;
      }
    },

    async getStage(apiId, stage, region) {
      try {
        return stageOf(
          await clientFor(region).send(new GetStageCommand({ restApiId: apiId, stageName: stage })),
        );
      } catch (err) {
        if (isNotFound(err, 'NotFoundException')) return undefined;
        throw err;
      }
    },

    async updateStage(apiId, stage, operations, region) {
      return callOf(
        await clientFor(region).send(
          new UpdateStageCommand({ restApiId: apiId, stageName: stage, patchOperations: operations }),
        ),
      );
    },

    async usagePlansOf(apiId, stage, region) {
      const plans: UsagePlanThrottle[] = [];
      for await (const page of paginateGetUsagePlans({ client: clientFor(region) }, {}))
        for (const plan of page.items ?? []) {
          const on = plan.apiStages?.find((s) => s.apiId === apiId && s.stage === stage);
          if (!on) continue;
          plans.push({
            id: plan.id ?? '',
            name: plan.name ?? '',
            ...(plan.throttle ? { throttle: throttleOf(plan.throttle) } : {}),
            methods: Object.fromEntries(
              Object.entries(on.throttle ?? {}).map(([k, t]) => [k, throttleOf(t)]),
            ),
          });
        }
      return plans;
    },

    async getAccountThrottle(region) {
      const out = await clientFor(region).send(new GetAccountCommand({}));
      return throttleOf(out.throttleSettings);
    },
  };
}
