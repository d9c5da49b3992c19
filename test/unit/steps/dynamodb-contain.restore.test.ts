import {
  DeleteResourcePolicyCommand,
  DynamoDBClient,
  GetResourcePolicyCommand,
  PolicyNotFoundException,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/dynamodb-contain.js';
import type { Observed } from '../../../src/steps/dynamodb-contain.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const ddb = mockClient(DynamoDBClient);
const restore = step.restore!;
const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/customer-profiles';
const DENY = {
  Sid: 'DrpContainINCTEST1',
  Effect: 'Deny',
  Principal: '*',
  Action: 'dynamodb:PutItem',
  Resource: ARN,
};
const READER = {
  Sid: 'Reader',
  Effect: 'Allow',
  Principal: { AWS: '123456789012' },
  Action: 'dynamodb:Query',
  Resource: ARN,
};
// The original text with its own spacing: the restore sends it as it was.
const ORIGINAL = `{ "Version": "2012-10-17",\n  "Statement": [${JSON.stringify(READER)}] }`;
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

const recorded = (policy: string | null) =>
  recordedOf<{ tables: string[] }, Observed>(
    { tables: ['customer-profiles'] },
    {
      tables: [
        {
          table: 'customer-profiles',
          arn: ARN,
          policy,
          revisionId: policy ? 'REV-0' : null,
          replicaRegions: [],
        },
      ],
    },
    { data: { tables: [{ table: 'customer-profiles', arn: ARN, revisionId: 'REV-DRP' }] } },
  );
const plan = (policy: string | null) =>
  restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(policy), DEFAULTS);

describe('dynamodb-contain restore', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(PutResourcePolicyCommand).resolves({ RevisionId: 'REV-3', $metadata: { requestId: 'R-PUT' } });
    ddb.on(DeleteResourcePolicyCommand).resolves({ $metadata: { requestId: 'R-DEL' } });
  });

  it('removes the policy of a table that had none, pinned to the live revision, with no drift', async () => {
    ddb.on(GetResourcePolicyCommand).resolves({ Policy: doc(DENY), RevisionId: 'REV-DRP' });
    const p = await plan(null);
    expect(p).toMatchObject({
      changes: [{ action: 'delete-resource-policy', target: ARN }],
      drift: [],
      before: { tables: [{ table: 'customer-profiles', policy: null }] },
    });
    expect(ddb).toHaveReceivedCommandTimes(DeleteResourcePolicyCommand, 0);
    const applied = await restore.apply(testContext().ctx, recorded(null), p);
    expect(ddb).toHaveReceivedCommandWith(DeleteResourcePolicyCommand, {
      ResourceArn: ARN,
      ExpectedRevisionId: 'REV-DRP',
    });
    expect(ddb).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
    expect(applied.requestIds).toEqual(['R-DEL']);
  });

  it('puts back the original text of a table that had a policy', async () => {
    ddb.on(GetResourcePolicyCommand).resolves({ Policy: doc(READER, DENY), RevisionId: 'REV-DRP' });
    const p = await plan(ORIGINAL);
    expect(p.drift).toEqual([]);
    await restore.apply(testContext().ctx, recorded(ORIGINAL), p);
    expect(ddb).toHaveReceivedCommandWith(PutResourcePolicyCommand, {
      ResourceArn: ARN,
      Policy: ORIGINAL,
      ExpectedRevisionId: 'REV-DRP',
    });
    expect(ddb).toHaveReceivedCommandTimes(DeleteResourcePolicyCommand, 0);
  });

  it('reports drift when someone added a statement since, and still plans the policy of before', async () => {
    const added = { ...READER, Sid: 'AddedLater' };
    ddb.on(GetResourcePolicyCommand).resolves({ Policy: doc(READER, DENY, added), RevisionId: 'REV-9' });
    const p = await plan(ORIGINAL);
    expect(p.drift).toEqual([
      "table customer-profiles: its policy changed since drp's deny; restoring puts back the policy as it was before drp, without those changes",
    ]);
    expect(p.changes).toEqual([expect.objectContaining({ action: 'put-resource-policy' })]);
  });

  it("leaves a table alone whose policy no longer holds drp's deny", async () => {
    ddb.on(GetResourcePolicyCommand).rejects(new PolicyNotFoundException({ message: 'none', $metadata: {} }));
    const p = await plan(null);
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual([
      "table customer-profiles: drp's deny (Sid DrpContainINCTEST1) is no longer in its policy: nothing to undo",
    ]);
  });
});
