import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  InvalidParameterValueException,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type FunctionObserved, type Observed } from '../../../src/steps/lambda-isolate.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const lambda = mockClient(LambdaClient);
const restore = step.restore!;
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const observedFn = (name: string, reservedConcurrency: number | null): FunctionObserved => ({
  arn: ARN(name),
  name,
  region: 'us-east-1',
  reservedConcurrency,
  policies: {},
  urls: [],
});
const recorded = (
  functions: FunctionObserved[],
  throttled = functions.filter((f) => f.reservedConcurrency !== 0),
) =>
  recordedOf<{ functions: string[] }, Observed>(
    { functions: [] },
    { functions, elsewhere: [] },
    {
      data: { throttled: throttled.map((f) => ({ arn: f.arn, before: f.reservedConcurrency })) },
    },
  );
const live = (name: string, value: number | undefined) =>
  lambda
    .on(GetFunctionConcurrencyCommand, { FunctionName: ARN(name) })
    .resolves({ ReservedConcurrentExecutions: value });

describe('lambda-isolate restore', () => {
  beforeEach(() => lambda.reset());

  it('removes the setting from a function that had none, and puts back an old value, planned read-only', async () => {
    const r = recorded([observedFn('review-generator', null), observedFn('media-resizer', 20)]);
    live('review-generator', 0);
    live('media-resizer', 0);
    const { ctx: readOnly } = testContext({ aws: testPorts(true) });
    const plan = await restore.plan(readOnly, r, DEFAULTS);
    expect(plan.changes).toEqual([
      {
        action: 'delete-function-concurrency',
        target: ARN('review-generator'),
        detail: 'it had no reserved concurrency before drp',
      },
      { action: 'put-function-concurrency', target: ARN('media-resizer'), detail: 'back to 20' },
    ]);
    expect(plan.drift).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(PutFunctionConcurrencyCommand, 0);
    expect(lambda).toHaveReceivedCommandTimes(DeleteFunctionConcurrencyCommand, 0);

    lambda.on(DeleteFunctionConcurrencyCommand).resolves({});
    lambda.on(PutFunctionConcurrencyCommand).resolves({});
    const { ctx } = testContext();
    await restore.apply(ctx, r, plan);
    expect(lambda).toHaveReceivedCommandWith(DeleteFunctionConcurrencyCommand, {
      FunctionName: ARN('review-generator'),
    });
    expect(lambda).toHaveReceivedCommandWith(PutFunctionConcurrencyCommand, {
      FunctionName: ARN('media-resizer'),
      ReservedConcurrentExecutions: 20,
    });
  });

  it('leaves alone a function the run found throttled already (it did not change it)', async () => {
    const plan = await restore.plan(
      testContext().ctx,
      recorded([observedFn('review-generator', 0)]),
      DEFAULTS,
    );
    expect(plan.changes).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConcurrencyCommand, 0);
  });

  it('reports drift when someone changed the concurrency since drp set 0', async () => {
    live('media-resizer', 7);
    const plan = await restore.plan(testContext().ctx, recorded([observedFn('media-resizer', 20)]), DEFAULTS);
    expect(plan.drift).toEqual([
      'media-resizer: reserved concurrency is 7 now, not 0 as drp left it (changed since)',
    ]);
  });

  it("explains AWS's refusal to reserve below the account's unreserved minimum", async () => {
    const r = recorded([observedFn('media-resizer', 900)]);
    live('media-resizer', 0);
    const plan = await restore.plan(testContext().ctx, r, DEFAULTS);
    lambda.on(PutFunctionConcurrencyCommand).rejects(
      new InvalidParameterValueException({
        $metadata: { httpStatusCode: 400, requestId: 'REQ-400' },
        message:
          "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
        Type: 'User',
      }),
    );
    const err = await restore.apply(testContext().ctx, r, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect(formatError((err as StepFailure).cause)).toMatch(
      /^InvalidParameterValueException: Specified ReservedConcurrentExecutions .*\[100\]\. Lambda keeps part of the account's concurrency unreserved .*delete-function-concurrency --region us-east-1 --function-name arn:aws:lambda:us-east-1:123456789012:function:media-resizer.* \(request id REQ-400\)$/,
    );
  });
});
