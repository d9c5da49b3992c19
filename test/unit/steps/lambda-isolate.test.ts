import {
  GetFunctionConcurrencyCommand,
  LambdaServiceException,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError, UserError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/lambda-isolate.js';
import { testContext, testPorts } from '../../support/step-context.js';

const lambda = mockClient(LambdaClient);
const ARN = (name: string, region = 'us-east-1', account = '123456789012') =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;
// AWS's answer for a function, policy or URL that does not exist (Lambda API Reference: 404).
const notFound = (message: string) =>
  new ResourceNotFoundException({
    $metadata: { httpStatusCode: 404, requestId: 'REQ-404' },
    message,
    Type: 'User',
  });

const urlNonePolicy = (name: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FunctionURLAllowPublicAccess',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: ARN(name),
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
      {
        Sid: 's3-invoke',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: ARN(name),
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::product-media-prod' } },
      },
    ],
  });

function fn(
  name: string,
  reserved: number | undefined,
  { policy, url }: { policy?: string; url?: string } = {},
) {
  const arn = ARN(name);
  lambda
    .on(GetFunctionConcurrencyCommand, { FunctionName: arn })
    .resolves({ ReservedConcurrentExecutions: reserved });
  if (policy) lambda.on(GetPolicyCommand, { FunctionName: arn }).resolves({ Policy: policy });
  if (url)
    lambda
      .on(GetFunctionUrlConfigCommand, { FunctionName: arn })
      .resolves({ FunctionUrl: url, AuthType: 'NONE' });
}

describe('lambda-isolate plan', () => {
  beforeEach(() => {
    lambda.reset();
    lambda.on(GetFunctionConcurrencyCommand).rejects(notFound('Function not found'));
    lambda.on(GetPolicyCommand).rejects(notFound('The resource you requested does not exist.'));
    lambda.on(GetFunctionUrlConfigCommand).rejects(notFound('The resource you requested does not exist.'));
    lambda.on(ListAliasesCommand).resolves({ Aliases: [] });
  });

  it('records each function as it was (concurrency, policies, URLs), names what is public, and changes nothing', async () => {
    fn('review-generator', undefined, {
      policy: urlNonePolicy('review-generator'),
      url: 'https://abc.lambda-url.us-east-1.on.aws/',
    });
    fn('media-resizer', 20);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { functions: ['review-generator', ARN('media-resizer')] });
    expect(plan.observed).toEqual({
      functions: [
        {
          arn: ARN('review-generator'),
          name: 'review-generator',
          region: 'us-east-1',
          reservedConcurrency: null,
          policies: { '': urlNonePolicy('review-generator') },
          urls: [{ url: 'https://abc.lambda-url.us-east-1.on.aws/', authType: 'NONE' }],
        },
        {
          arn: ARN('media-resizer'),
          name: 'media-resizer',
          region: 'us-east-1',
          reservedConcurrency: 20,
          policies: {},
          urls: [],
        },
      ],
      elsewhere: [],
    });
    expect(plan.changes).toEqual([
      {
        action: 'put-function-concurrency',
        target: ARN('review-generator'),
        detail: 'reserved concurrency 0, every invocation throttled (was: none set)',
      },
      {
        action: 'put-function-concurrency',
        target: ARN('media-resizer'),
        detail: 'reserved concurrency 0, every invocation throttled (was: 20)',
      },
    ]);
    // The URL statement is anyone's; the S3 one is pinned to a source ARN and is not named.
    expect(plan.notes).toEqual([
      'review-generator: its resource policy lets anyone invoke it (Sid FunctionURLAllowPublicAccess); the throttle stops those invocations, the policy is left as it is',
      'review-generator has a function URL with auth type NONE (https://abc.lambda-url.us-east-1.on.aws/): anyone can call it; throttled, it answers 429',
    ]);
    expect(lambda).toHaveReceivedCommandTimes(PutFunctionConcurrencyCommand, 0);
  });

  it("reads each alias's policy and URL too (a function URL may belong to an alias)", async () => {
    fn('review-generator', 5);
    lambda.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live' }] });
    lambda
      .on(GetFunctionUrlConfigCommand, { FunctionName: ARN('review-generator'), Qualifier: 'live' })
      .resolves({ FunctionUrl: 'https://live.lambda-url.us-east-1.on.aws/', AuthType: 'NONE' });
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { functions: ['review-generator'] });
    expect(plan.observed.functions[0]!.urls).toEqual([
      { qualifier: 'live', url: 'https://live.lambda-url.us-east-1.on.aws/', authType: 'NONE' },
    ]);
    expect(plan.notes).toContain(
      'review-generator:live has a function URL with auth type NONE (https://live.lambda-url.us-east-1.on.aws/): anyone can call it; throttled, it answers 429',
    );
  });

  it('a function already at reserved concurrency 0 is nothing to do', async () => {
    fn('review-generator', 0);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { functions: ['review-generator'] });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['review-generator is already throttled (reserved concurrency 0)']);
  });

  it('a wildcard ARN, as the SCP takes it, matches the functions of its own region (ListFunctions paged)', async () => {
    lambda
      .on(ListFunctionsCommand)
      .resolvesOnce({
        Functions: [{ FunctionName: 'media-a', FunctionArn: ARN('media-a', 'eu-west-1') }],
        NextMarker: 'm1',
      })
      .resolves({
        Functions: [
          { FunctionName: 'media-b', FunctionArn: ARN('media-b', 'eu-west-1') },
          { FunctionName: 'billing', FunctionArn: ARN('billing', 'eu-west-1') },
        ],
      });
    lambda.on(GetFunctionConcurrencyCommand).resolves({});
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { functions: [ARN('media-*', 'eu-west-1')] });
    expect(plan.observed.functions.map((f) => [f.name, f.region])).toEqual([
      ['media-a', 'eu-west-1'],
      ['media-b', 'eu-west-1'],
    ]);
    expect(lambda).toHaveReceivedCommandWith(ListFunctionsCommand, { Marker: 'm1' });
    // The calls went to the ARN's region, not the run's.
    expect(await lambda.commandCalls(ListFunctionsCommand)[0]!.thisValue.config.region()).toBe('eu-west-1');
  });

  it('throttles the whole function for a qualified ARN, and says so', async () => {
    fn('review-generator', undefined);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { functions: [`${ARN('review-generator')}:prod`] });
    expect(plan.changes.map((c) => c.target)).toEqual([ARN('review-generator')]);
    expect(plan.notes?.[0]).toMatch(
      /every version and alias of review-generator is throttled, not prod alone/,
    );
  });

  it('a named function that does not exist is exit 2 before any change, naming it', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const err = await step.plan(ctx, { functions: ['nope'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      '--function / param functions: no Lambda function "nope" (us-east-1) in account 123456789012',
    );
  });

  it("a function in another account is not the caller's to throttle: the step fails (exit 1), the run goes on", async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const err = await step
      .plan(ctx, { functions: [ARN('x', 'us-east-1', '999999999999')] })
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UserError);
    expect((err as Error).name).toBe('FunctionInOtherAccount');
    expect((err as Error).message).toMatch(/in another account than the caller's \(123456789012\)/);
  });

  it('no functions: nothing to do', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    expect((await step.plan(ctx, { functions: [] })).changes).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConcurrencyCommand, 0);
  });
});

describe('lambda-isolate apply', () => {
  beforeEach(() => {
    lambda.reset();
    lambda.on(GetPolicyCommand).rejects(notFound('none'));
    lambda.on(GetFunctionUrlConfigCommand).rejects(notFound('none'));
    lambda.on(ListAliasesCommand).resolves({ Aliases: [] });
  });

  it('sets reserved concurrency 0 on each function, the one with none set before included', async () => {
    fn('review-generator', undefined);
    fn('media-resizer', 20);
    lambda
      .on(PutFunctionConcurrencyCommand)
      .resolves({ ReservedConcurrentExecutions: 0, $metadata: { requestId: 'REQ-1' } });
    const { ctx } = testContext();
    const p = { functions: ['review-generator', 'media-resizer'] };
    const applied = await step.apply(ctx, p, await step.plan(ctx, p));
    expect(lambda).toHaveReceivedCommandWith(PutFunctionConcurrencyCommand, {
      FunctionName: ARN('review-generator'),
      ReservedConcurrentExecutions: 0,
    });
    expect(lambda).toHaveReceivedCommandWith(PutFunctionConcurrencyCommand, {
      FunctionName: ARN('media-resizer'),
      ReservedConcurrentExecutions: 0,
    });
    expect(applied.data).toEqual({
      throttled: [
        { arn: ARN('review-generator'), before: null },
        { arn: ARN('media-resizer'), before: 20 },
      ],
    });
    expect(applied.requestIds).toEqual(['REQ-1', 'REQ-1']);
  });

  it('a function it may not throttle fails the step after the others, with what was done and what to do', async () => {
    fn('review-generator', undefined);
    fn('media-resizer', 20);
    lambda.on(PutFunctionConcurrencyCommand, { FunctionName: ARN('review-generator') }).rejects(
      // Lambda's model has no AccessDeniedException class: IAM's denial reaches the SDK by that name.
      new LambdaServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403, requestId: 'REQ-403' },
        message:
          'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: lambda:PutFunctionConcurrency',
      }),
    );
    lambda.on(PutFunctionConcurrencyCommand, { FunctionName: ARN('media-resizer') }).resolves({});
    const { ctx } = testContext();
    const p = { functions: ['review-generator', 'media-resizer'] };
    const err = await step.apply(ctx, p, await step.plan(ctx, p)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    const failure = err as StepFailure;
    expect(failure.partial.changes.map((c) => c.target)).toEqual([ARN('media-resizer')]);
    expect(formatError(failure.cause)).toMatch(
      /^AccessDeniedException: .*not authorized.*\. review-generator is not throttled: drp needs lambda:PutFunctionConcurrency .*put-function-concurrency --region us-east-1 .*--reserved-concurrent-executions 0.*\(1 function throttled\) \(request id REQ-403\)$/,
    );
  });
});
