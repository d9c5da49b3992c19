import {
  APIGatewayClient,
  GetAccountCommand,
  GetStageCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  GetStageCommand as GetHttpStageCommand,
  UpdateStageCommand as UpdateHttpStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { type Observed, type StageObserved } from '../../../src/steps/apigateway-isolate.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const rest = mockClient(APIGatewayClient);
const http = mockClient(ApiGatewayV2Client);
const restore = step.restore!;
const recorded = (stages: StageObserved[]) =>
  recordedOf<{ apis: string[] }, Observed>(
    { apis: [] },
    { stages, elsewhere: [] },
    {
      data: { throttled: stages.map((s) => `${s.region}/${s.apiId}/${s.name}`) },
    },
  );
const zeroed = { throttlingRateLimit: 0, throttlingBurstLimit: 0 };

describe('apigateway-isolate restore, REST', () => {
  beforeEach(() => {
    rest.reset();
    http.reset();
  });

  it('puts each method setting back; the */* one drp created gets throttling disabled (-1), which it cannot remove', async () => {
    const r = recorded([
      {
        kind: 'rest',
        apiId: 'a1b2c3d4e5',
        region: 'us-east-1',
        name: 'prod',
        methodSettings: { '~1media/GET': { rateLimit: 50, burstLimit: 25 } },
      },
    ]);
    rest
      .on(GetStageCommand)
      .resolves({ stageName: 'prod', methodSettings: { '*/*': zeroed, '~1media/GET': zeroed } });
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, r, DEFAULTS);
    expect(plan.drift).toEqual([]);
    expect(plan.kept).toEqual([
      "stage a1b2c3d4e5/prod (us-east-1): the */* method setting drp created stays, with throttling -1 (disabled: the account's limits apply, as before drp); API Gateway cannot remove a method setting",
    ]);
    expect(rest).toHaveReceivedCommandTimes(UpdateStageCommand, 0);

    rest.on(UpdateStageCommand).resolves({});
    await restore.apply(testContext().ctx, r, plan);
    expect(rest).toHaveReceivedCommandWith(UpdateStageCommand, {
      restApiId: 'a1b2c3d4e5',
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '-1' },
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '-1' },
        { op: 'replace', path: '/~1media/GET/throttling/rateLimit', value: '50' },
        { op: 'replace', path: '/~1media/GET/throttling/burstLimit', value: '25' },
      ],
    });
  });

  it('reports drift when the throttle was changed since, and plans nothing for a stage already back', async () => {
    const stage: StageObserved = {
      kind: 'rest',
      apiId: 'a1b2c3d4e5',
      region: 'us-east-1',
      name: 'prod',
      methodSettings: { '*/*': { rateLimit: 100, burstLimit: 200 } },
    };
    rest
      .on(GetStageCommand)
      .resolves({ methodSettings: { '*/*': { throttlingRateLimit: 10, throttlingBurstLimit: 10 } } });
    const drifted = await restore.plan(testContext().ctx, recorded([stage]), DEFAULTS);
    expect(drifted.drift).toEqual([
      'stage a1b2c3d4e5/prod (us-east-1): method setting */* is rate 10/s, burst 10 now, not rate 0, burst 0 as drp left it',
    ]);
    rest
      .on(GetStageCommand)
      .resolves({ methodSettings: { '*/*': { throttlingRateLimit: 100, throttlingBurstLimit: 200 } } });
    expect((await restore.plan(testContext().ctx, recorded([stage]), DEFAULTS)).changes).toEqual([]);
  });
});

describe('apigateway-isolate restore, HTTP', () => {
  beforeEach(() => {
    rest.reset();
    http.reset();
  });

  it("puts route settings back whole; throttling that was not set gets the account's limits, which applied in its absence", async () => {
    const r = recorded([
      {
        kind: 'http',
        apiId: 'h1t2t3p4a5',
        region: 'us-east-1',
        name: '$default',
        defaultRouteSettings: { DetailedMetricsEnabled: true },
        routeSettings: {
          'POST /upload': { LoggingLevel: 'INFO', ThrottlingBurstLimit: 5, ThrottlingRateLimit: 2 },
        },
      },
    ]);
    const zero = { ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 };
    http.on(GetHttpStageCommand).resolves({
      StageName: '$default',
      DefaultRouteSettings: { DetailedMetricsEnabled: true, ...zero },
      RouteSettings: { 'POST /upload': { LoggingLevel: 'INFO', ...zero } },
    });
    rest.on(GetAccountCommand).resolves({ throttleSettings: { burstLimit: 5000, rateLimit: 10000 } });
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, r, DEFAULTS);
    expect(plan.kept).toEqual([
      "stage h1t2t3p4a5/$default (us-east-1): its throttling was not set before drp and cannot be unset; the account's limits (rate 10000/s, burst 5000), which applied in its absence, are set in its place",
    ]);
    expect(http).toHaveReceivedCommandTimes(UpdateHttpStageCommand, 0);
    http.on(UpdateHttpStageCommand).resolves({});
    await restore.apply(testContext().ctx, r, plan);
    expect(http).toHaveReceivedCommandWith(UpdateHttpStageCommand, {
      ApiId: 'h1t2t3p4a5',
      StageName: '$default',
      DefaultRouteSettings: {
        DetailedMetricsEnabled: true,
        ThrottlingBurstLimit: 5000,
        ThrottlingRateLimit: 10000,
      },
      RouteSettings: {
        'POST /upload': { LoggingLevel: 'INFO', ThrottlingBurstLimit: 5, ThrottlingRateLimit: 2 },
      },
    });
  });

  it('never sends a route setting without throttling (AWS would read it as 0): without the account limits it says what to do', async () => {
    const r = recorded([
      {
        kind: 'http',
        apiId: 'h1',
        region: 'us-east-1',
        name: 'prod',
        defaultRouteSettings: {},
        routeSettings: {},
      },
    ]);
    http
      .on(GetHttpStageCommand)
      .resolves({ DefaultRouteSettings: { ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 } });
    rest.on(GetAccountCommand).resolves({});
    const plan = await restore.plan(testContext().ctx, r, DEFAULTS);
    expect(plan.changes).toEqual([]);
    expect(plan.notes?.[0]).toMatch(
      /set them by hand with "aws apigatewayv2 update-stage --region us-east-1 --api-id h1 --stage-name prod/,
    );
  });
});
