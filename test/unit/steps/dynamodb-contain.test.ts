import {
  DescribeTableCommand,
  DynamoDBClient,
  GetResourcePolicyCommand,
  PolicyNotFoundException,
  PutResourcePolicyCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/dynamodb-contain.js';
import { TablePolicyTooLarge } from '../../../src/steps/lib/table-policy.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto 5.2.1 serves PutResourcePolicy and ExpectedRevisionId (the smoke test uses it); the shapes of
// AWS's errors (PolicyNotFoundException on a stale revision, a missing table) are reproduced here.
const ddb = mockClient(DynamoDBClient);
const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/customer-profiles';
const RESPONDER = 'arn:aws:iam::123456789012:role/Responder';
const meta = { $metadata: { httpStatusCode: 400 } };

const DENY = {
  Sid: 'DrpContainINCTEST1',
  Effect: 'Deny',
  Principal: '*',
  Action: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:PartiQLInsert',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PartiQLDelete',
    'dynamodb:DeleteTable',
    'dynamodb:UpdateTimeToLive',
    'dynamodb:UpdateContinuousBackups',
    'dynamodb:PutResourcePolicy',
    'dynamodb:DeleteResourcePolicy',
  ],
  Resource: ARN,
  Condition: { ArnNotLike: { 'aws:PrincipalArn': [RESPONDER] } },
};
const READER = {
  Sid: 'AnalyticsReads',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/Analytics' },
  Action: 'dynamodb:Query',
  Resource: ARN,
};

function table(name = 'customer-profiles', replicas: string[] = []) {
  ddb.on(DescribeTableCommand, { TableName: name }).resolves({
    Table: {
      TableName: name,
      TableArn: ARN.replace('customer-profiles', name),
      TableStatus: 'ACTIVE',
      Replicas: replicas.map((RegionName) => ({ RegionName })),
    },
  });
}
const noPolicy = () =>
  ddb.on(GetResourcePolicyCommand).rejects(new PolicyNotFoundException({ message: 'not found', ...meta }));

describe('dynamodb-contain', () => {
  beforeEach(() => {
    ddb.reset();
    ddb
      .on(DescribeTableCommand)
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', ...meta }));
    ddb.on(PutResourcePolicyCommand).resolves({ RevisionId: 'REV-DRP', $metadata: { requestId: 'R-PUT' } });
  });

  it('plans a deny of every item write on a table with no policy, records that it had none, and sends no write', async () => {
    table();
    noPolicy();
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { tables: ['customer-profiles'] });
    expect(plan.observed).toEqual({
      tables: [{ table: 'customer-profiles', arn: ARN, policy: null, revisionId: null, replicaRegions: [] }],
    });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'add-deny-statement', target: ARN })]);
    expect(plan.changes[0]!.detail).toMatch(
      /denies PutItem, UpdateItem, DeleteItem, BatchWriteItem, PartiQLInsert/,
    );
    expect(plan.changes[0]!.detail).toMatch(/reads stay open; 0 other statement\(s\) kept/);
    expect(ddb).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
  });

  it('writes the deny with ExpectedRevisionId NO_POLICY, exempting every principal drp acts through', async () => {
    table();
    noPolicy();
    const { ctx } = testContext();
    const plan = await step.plan(ctx, { tables: ['customer-profiles'] });
    const applied = await step.apply(ctx, { tables: ['customer-profiles'] }, plan);
    expect(ddb).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 1);
    const input = ddb.commandCalls(PutResourcePolicyCommand)[0]!.args[0].input;
    expect(input.ResourceArn).toBe(ARN);
    expect(input.ExpectedRevisionId).toBe('NO_POLICY');
    expect(JSON.parse(input.Policy!)).toEqual({ Version: '2012-10-17', Statement: [DENY] });
    expect(applied).toMatchObject({
      requestIds: ['R-PUT'],
      data: { tables: [{ table: 'customer-profiles', arn: ARN, revisionId: 'REV-DRP' }] },
    });
  });

  it("keeps the table's other statements and pins the write to the revision it read", async () => {
    table();
    ddb.on(GetResourcePolicyCommand).resolves({
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [READER] }),
      RevisionId: 'REV-1',
    });
    const { ctx } = testContext();
    const plan = await step.plan(ctx, { tables: ['customer-profiles'] });
    expect(plan.changes[0]!.detail).toMatch(/1 other statement\(s\) kept/);
    await step.apply(ctx, { tables: ['customer-profiles'] }, plan);
    const input = ddb.commandCalls(PutResourcePolicyCommand)[0]!.args[0].input;
    expect(input.ExpectedRevisionId).toBe('REV-1');
    expect(JSON.parse(input.Policy!).Statement).toEqual([READER, DENY]);
  });

  it('plans nothing for a table that already has the deny (a re-run), and says so', async () => {
    table();
    ddb.on(GetResourcePolicyCommand).resolves({
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [READER, DENY] }),
      RevisionId: 'REV-2',
    });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      tables: ['customer-profiles'],
    });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(["table customer-profiles already has drp's deny (Sid DrpContainINCTEST1)"]);
  });

  it('a table that does not exist is a user error naming --table, before anything is sent', async () => {
    table();
    noPolicy();
    const plan = step.plan(testContext({ aws: testPorts(true) }).ctx, {
      tables: ['customer-profiles', 'ghost'],
    });
    await expect(plan).rejects.toThrow(UserError);
    await expect(plan).rejects.toThrow(
      'DynamoDB table "ghost" not found in us-east-1 (--table / param tables)',
    );
    expect(ddb).toHaveReceivedCommandTimes(GetResourcePolicyCommand, 0);
  });

  it('refuses a policy that would pass 20 KB with the deny, sending nothing', async () => {
    table();
    const filler = Array.from({ length: 80 }, (_, i) => ({
      ...READER,
      Sid: `R${i}`,
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x'.repeat(200) } },
    }));
    ddb
      .on(GetResourcePolicyCommand)
      .resolves({ Policy: JSON.stringify({ Statement: filler }), RevisionId: 'REV' });
    const plan = step.plan(testContext({ aws: testPorts(true) }).ctx, { tables: ['customer-profiles'] });
    await expect(plan).rejects.toThrow(TablePolicyTooLarge);
    await expect(plan).rejects.toThrow(/over DynamoDB's 20 KB limit \(20480 bytes\): nothing was sent/);
  });

  it('says that a global table is contained in this region only', async () => {
    table('customer-profiles', ['us-east-1', 'eu-west-1']);
    noPolicy();
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      tables: ['customer-profiles'],
    });
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /^table customer-profiles is a global table: its replicas in us-east-1, eu-west-1 have policies of their own/,
      ),
    ]);
  });

  it('a policy changed since the plan (AWS: PolicyNotFoundException) fails the step with what it did and what to do', async () => {
    table();
    table('orders');
    noPolicy();
    ddb.on(PutResourcePolicyCommand, { ResourceArn: ARN.replace('customer-profiles', 'orders') }).rejects(
      new PolicyNotFoundException({
        message:
          'Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table orders, but a policy exists with revision id 1734.',
        ...meta,
      }),
    );
    const { ctx } = testContext();
    const plan = await step.plan(ctx, { tables: ['customer-profiles', 'orders'] });
    const failure = await step
      .apply(ctx, { tables: ['customer-profiles', 'orders'] }, plan)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    const { partial, cause } = failure as StepFailure & { cause: Error };
    expect(partial.changes.map((c) => c.target)).toEqual([ARN]);
    expect(cause.message).toMatch(
      /^the resource policy of table orders changed since the plan .* run again to plan on the current policy$/,
    );
    expect((cause.cause as Error).name).toBe('PolicyNotFoundException');
  });
});
