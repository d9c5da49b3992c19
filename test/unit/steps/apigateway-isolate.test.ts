import {
  APIGatewayClient,
  GetRestApisCommand,
  GetStagesCommand,
  GetUsagePlansCommand,
  NotFoundException,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  GetApisCommand,
  GetStagesCommand as GetHttpStagesCommand,
  NotFoundException as HttpNotFoundException,
  UpdateStageCommand as UpdateHttpStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError, UserError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/apigateway-isolate.js';
import { testContext, testPorts } from '../../support/step-context.js';

const rest = mockClient(APIGatewayClient);
const http = mockClient(ApiGatewayV2Client);
const meta = { $metadata: { httpStatusCode: 404, requestId: 'REQ-404' } };
// API Gateway's answer for an API id it does not know (REST and v2 alike).
const restMissing = () =>
  new NotFoundException({ ...meta, message: 'Invalid API identifier specified 123456789012:zzz' });
const httpMissing = () => new HttpNotFoundException({ ...meta, message: 'Invalid API identifier specified' });

describe('apigateway-isolate, REST APIs', () => {
  beforeEach(() => {
    rest.reset();
    http.reset();
    rest.on(GetStagesCommand).rejects(restMissing());
    http.on(GetHttpStagesCommand).rejects(httpMissing());
    rest.on(GetUsagePlansCommand).resolves({ items: [] });
  });

  it('throttles every method setting of the stage, per-method ones too, recording the old values; plan changes nothing', async () => {
    rest.on(GetStagesCommand, { restApiId: 'a1b2c3d4e5' }).resolves({
      item: [
        {
          stageName: 'prod',
          methodSettings: {
            '*/*': { throttlingRateLimit: 100, throttlingBurstLimit: 200, metricsEnabled: true },
            '~1media~1{id}/GET': { throttlingRateLimit: 50, throttlingBurstLimit: 25 },
          },
        },
      ],
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { apis: ['a1b2c3d4e5'] });
    expect(plan.observed.stages).toEqual([
      {
        kind: 'rest',
        apiId: 'a1b2c3d4e5',
        region: 'us-east-1',
        name: 'prod',
        methodSettings: {
          '*/*': { rateLimit: 100, burstLimit: 200 },
          '~1media~1{id}/GET': { rateLimit: 50, burstLimit: 25 },
        },
      },
    ]);
    expect(plan.changes).toEqual([
      {
        action: 'throttle-stage',
        target: 'REST API a1b2c3d4e5/prod (us-east-1)',
        detail:
          'every method rate 0, burst 0: callers get 429 (was: every method rate 100/s, burst 200, 1 method with own settings)',
      },
    ]);
    expect(rest).toHaveReceivedCommandTimes(UpdateStageCommand, 0);

    rest.on(UpdateStageCommand).resolves({ $metadata: { requestId: 'REQ-1' } });
    const applied = await step.apply(testContext().ctx, { apis: ['a1b2c3d4e5'] }, plan);
    expect(rest).toHaveReceivedCommandWith(UpdateStageCommand, {
      restApiId: 'a1b2c3d4e5',
      stageName: 'prod',
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '0' },
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '0' },
        { op: 'replace', path: '/~1media~1{id}/GET/throttling/rateLimit', value: '0' },
        { op: 'replace', path: '/~1media~1{id}/GET/throttling/burstLimit', value: '0' },
      ],
    });
    expect(applied.data).toEqual({ throttled: ['us-east-1/a1b2c3d4e5/prod'] });
  });

  it("names a usage plan whose own throttle applies before the stage's (its API keys may still get through)", async () => {
    rest.on(GetStagesCommand).resolves({ item: [{ stageName: 'prod' }] });
    rest.on(GetUsagePlansCommand).resolves({
      items: [
        {
          id: 'up1',
          name: 'partners',
          throttle: { rateLimit: 100, burstLimit: 50 },
          apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'prod' }],
        },
        {
          id: 'up2',
          name: 'other-api',
          throttle: { rateLimit: 5 },
          apiStages: [{ apiId: 'zzz', stage: 'prod' }],
        },
        { id: 'up3', name: 'quota-only', apiStages: [{ apiId: 'a1b2c3d4e5', stage: 'prod' }] },
      ],
    });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { apis: ['a1b2c3d4e5'] });
    expect(plan.notes).toEqual([
      'usage plan partners (up1) throttles its API keys on stage a1b2c3d4e5/prod (us-east-1) itself, and API Gateway applies a usage plan\'s limits before the stage\'s: callers with those keys may still get through; remove the stage from the plan or set its throttle to 0 ("aws apigateway update-usage-plan --usage-plan-id up1")',
    ]);
  });

  it('an API already throttled to 0 everywhere is nothing to do', async () => {
    rest.on(GetStagesCommand).resolves({
      item: [
        { stageName: 'prod', methodSettings: { '*/*': { throttlingRateLimit: 0, throttlingBurstLimit: 0 } } },
      ],
    });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { apis: ['a1b2c3d4e5'] });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['stage a1b2c3d4e5/prod (us-east-1) is already throttled to 0']);
  });

  it('an execute-api ARN names its region and stage; a method in it still throttles the whole stage, and says so', async () => {
    rest.on(GetStagesCommand, { restApiId: 'f6g7h8i9j0' }).resolves({
      item: [
        { stageName: 'prod', methodSettings: {} },
        { stageName: 'dev', methodSettings: {} },
      ],
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, {
      apis: ['arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/prod/GET/media/*'],
    });
    expect(plan.observed.stages.map((s) => `${s.region}/${s.name}`)).toEqual(['eu-west-1/prod']);
    expect(plan.changes[0]!.detail).toMatch(/was: every method not set\)$/);
    expect(plan.notes?.[0]).toMatch(/every method of stage prod is throttled/);
    expect(await rest.commandCalls(GetStagesCommand)[0]!.thisValue.config.region()).toBe('eu-west-1');
  });

  it('a wildcard id, as the SCP takes it, matches REST and HTTP APIs of the region', async () => {
    rest.on(GetRestApisCommand).resolves({ items: [{ id: 'media01abcd' }, { id: 'billing123' }] });
    http.on(GetApisCommand).resolves({
      Items: [
        {
          ApiId: 'media02efgh',
          Name: 'uploads',
          ProtocolType: 'HTTP',
          RouteSelectionExpression: '${request.method} ${request.path}',
        },
      ],
    });
    rest.on(GetStagesCommand, { restApiId: 'media01abcd' }).resolves({ item: [{ stageName: 'prod' }] });
    http.on(GetHttpStagesCommand, { ApiId: 'media02efgh' }).resolves({ Items: [{ StageName: '$default' }] });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      apis: ['arn:aws:execute-api:us-east-1:123456789012:media*'],
    });
    expect(plan.observed.stages.map((s) => `${s.kind}:${s.apiId}/${s.name}`)).toEqual([
      'rest:media01abcd/prod',
      'http:media02efgh/$default',
    ]);
  });

  it('an API or stage that does not exist is exit 2 before any change, naming it', async () => {
    rest.on(GetStagesCommand, { restApiId: 'a1b2c3d4e5' }).resolves({ item: [{ stageName: 'prod' }] });
    const { ctx } = testContext({ aws: testPorts(true) });
    await expect(step.plan(ctx, { apis: ['zzz'] })).rejects.toThrow(
      new UserError('--api / param apis: no API "zzz" in us-east-1 (account 123456789012)'),
    );
    await expect(step.plan(ctx, { apis: ['a1b2c3d4e5/staging'] })).rejects.toThrow(
      '--api / param apis: API a1b2c3d4e5 (us-east-1) has no stage "staging" (account 123456789012)',
    );
  });

  it('a failed update leaves the other stages throttled and says what to do by hand', async () => {
    rest
      .on(GetStagesCommand, { restApiId: 'a1b2c3d4e5' })
      .resolves({ item: [{ stageName: 'prod' }, { stageName: 'dev' }] });
    rest.on(UpdateStageCommand, { stageName: 'prod' }).rejects(
      Object.assign(new Error('Too Many Requests'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      }),
    );
    rest.on(UpdateStageCommand, { stageName: 'dev' }).resolves({});
    const { ctx } = testContext();
    const plan = await step.plan(ctx, { apis: ['a1b2c3d4e5'] });
    const err = await step.apply(ctx, { apis: ['a1b2c3d4e5'] }, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as StepFailure).partial.changes.map((c) => c.target)).toEqual([
      'REST API a1b2c3d4e5/dev (us-east-1)',
    ]);
    expect(formatError((err as StepFailure).cause)).toMatch(
      /stage a1b2c3d4e5\/prod \(us-east-1\) is not throttled: throttle it by hand with "aws apigateway update-stage --region us-east-1 --rest-api-id a1b2c3d4e5 --stage-name prod --patch-operations op=replace,path=\/\*\/\*\/throttling\/rateLimit,value=0/,
    );
  });
});

describe('apigateway-isolate, HTTP APIs (API Gateway v2)', () => {
  beforeEach(() => {
    rest.reset();
    http.reset();
    rest.on(GetStagesCommand).rejects(restMissing());
  });

  it('zeroes the default route and each route with its own settings, sending every other setting as it was', async () => {
    http.on(GetHttpStagesCommand, { ApiId: 'h1t2t3p4a5' }).resolves({
      Items: [
        {
          StageName: '$default',
          DefaultRouteSettings: {
            DetailedMetricsEnabled: true,
            ThrottlingBurstLimit: 100,
            ThrottlingRateLimit: 50,
          },
          RouteSettings: { 'POST /upload': { DetailedMetricsEnabled: false, LoggingLevel: 'INFO' } },
        },
      ],
    });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { apis: ['h1t2t3p4a5'] });
    expect(plan.changes).toEqual([
      {
        action: 'throttle-stage',
        target: 'HTTP API h1t2t3p4a5/$default (us-east-1)',
        detail:
          'every route rate 0, burst 0: callers get 429 (was: default route rate 50/s, burst 100, 1 route with own settings)',
      },
    ]);
    expect(http).toHaveReceivedCommandTimes(UpdateHttpStageCommand, 0);

    http.on(UpdateHttpStageCommand).resolves({});
    await step.apply(testContext().ctx, { apis: ['h1t2t3p4a5'] }, plan);
    // UpdateStage replaces each settings object whole: a field left out would be reset.
    expect(http).toHaveReceivedCommandWith(UpdateHttpStageCommand, {
      ApiId: 'h1t2t3p4a5',
      StageName: '$default',
      DefaultRouteSettings: { DetailedMetricsEnabled: true, ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 },
      RouteSettings: {
        'POST /upload': {
          DetailedMetricsEnabled: false,
          LoggingLevel: 'INFO',
          ThrottlingBurstLimit: 0,
          ThrottlingRateLimit: 0,
        },
      },
    });
  });

  it('a stage whose routes are all at 0 is nothing to do', async () => {
    http.on(GetHttpStagesCommand).resolves({
      Items: [
        { StageName: 'prod', DefaultRouteSettings: { ThrottlingBurstLimit: 0, ThrottlingRateLimit: 0 } },
      ],
    });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { apis: ['h1t2t3p4a5'] });
    expect(plan.changes).toEqual([]);
  });
});
