import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { WRITE_ACTIONS } from '../../../src/steps/s3-mfa-write-deny.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const RESPONDER = 'arn:aws:iam::123456789012:role/Responder';
const PIPELINE = 'arn:aws:iam::123456789012:role/media-pipeline';
const params = step.params.parse({ bucket: 'media', serviceRoles: [PIPELINE, RESPONDER] });
const READER = {
  Sid: 'Reader',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/MediaReader' },
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::media/*',
};
const OURS = {
  Sid: 'DrpRequireMfaINCTEST1',
  Effect: 'Deny',
  Principal: '*',
  Action: WRITE_ACTIONS,
  Resource: 'arn:aws:s3:::media/*',
  Condition: {
    BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', 'aws:PrincipalIsAWSService': 'false' },
    ArnNotLike: { 'aws:PrincipalArn': [RESPONDER, PIPELINE] },
  },
};
const policyWith = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
function hasPolicy(text: string | undefined) {
  if (text !== undefined) return s3.on(GetBucketPolicyCommand).resolves({ Policy: text });
  return s3.on(GetBucketPolicyCommand).rejects(
    new S3ServiceException({
      name: 'NoSuchBucketPolicy',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: '',
    }),
  );
}
const plan = () => step.plan(testContext({ aws: testPorts(true) }).ctx, params);
const sent = () =>
  JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!) as { Statement: object[] };

describe('s3-mfa-write-deny', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutBucketPolicyCommand).resolves({ $metadata: { requestId: 'R-MFA' } });
  });

  it('plans the deny and says whom it would stop, sending nothing', async () => {
    hasPolicy(policyWith(READER));
    const p = await plan();
    expect(p.changes).toEqual([
      {
        action: 'add-mfa-deny-statement',
        target: 's3://media',
        detail: expect.stringMatching(
          /^Sid DrpRequireMfaINCTEST1 denies object writes without MFA to all but arn:aws:iam::123456789012:role\/Responder, arn:aws:iam::123456789012:role\/media-pipeline; 1 other statement\(s\) kept; \d+ bytes$/,
        ),
      },
    ]);
    expect(p.notes).toEqual([
      expect.stringMatching(/^people who sign in through an identity provider .* count as without MFA/),
      expect.stringMatching(/^roles that AWS services or your workloads assume .*--service-role/),
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('denies writes when MFA is absent or false (BoolIfExists: long-term keys carry no MFA key), exempting drp and the service roles; reads and other statements stay', async () => {
    hasPolicy(policyWith(READER));
    const applied = await step.apply(testContext().ctx, params, await plan());
    expect(sent()).toEqual({ Version: '2012-10-17', Statement: [READER, OURS] });
    expect(WRITE_ACTIONS.some((a) => /Get|List/.test(a))).toBe(false);
    expect(applied).toMatchObject({
      requestIds: ['R-MFA'],
      data: { sid: 'DrpRequireMfaINCTEST1', statement: OURS },
    });
  });

  it('has nothing to do on a re-run, or when an earlier incident left the same deny', async () => {
    hasPolicy(policyWith(READER, OURS));
    expect((await plan()).changes).toEqual([]);
    hasPolicy(policyWith({ ...OURS, Sid: 'DrpRequireMfaINC2' }));
    const p = await plan();
    expect(p).toMatchObject({
      changes: [],
      notes: ['an equivalent drp MFA deny (Sid DrpRequireMfaINC2) is already in the policy'],
    });
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('warns that a public grant still in the policy makes S3 refuse it under BlockPublicPolicy', async () => {
    hasPolicy(
      policyWith({
        Sid: 'Public',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::media/*',
      }),
    );
    expect((await plan()).notes?.[2]).toMatch(
      /^the policy still grants public access \(Sid Public\): .*drp contain removes them first$/,
    );
  });
});

describe('s3-mfa-write-deny restore', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutBucketPolicyCommand).resolves({});
    s3.on(DeleteBucketPolicyCommand).resolves({});
  });
  const recorded = (before: string | null) => ({
    params,
    plan: { observed: { bucket: 'media', policy: before }, changes: [] },
    result: { outcome: 'applied' as const, changes: [], data: { statement: OURS } },
    artefact: async () => '',
  });
  const options = { reactivateKeys: false, releaseHolds: false, keepExternalGrants: false };
  const restorePlan = (before: string | null) =>
    step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded(before), options);

  it('takes out only its own statement, keeping one added since (a later containment deny)', async () => {
    const later = {
      Sid: 'DrpContainINC9',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::media',
    };
    hasPolicy(policyWith(READER, OURS, later));
    const p = await restorePlan(policyWith(READER));
    expect(p).toMatchObject({ changes: [{ action: 'remove-mfa-deny-statement' }], drift: [] });
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
    await step.restore!.apply(testContext().ctx, recorded(policyWith(READER)), p);
    expect(sent().Statement).toEqual([READER, later]);
  });

  it('deletes the policy when its deny is all there is (the bucket had none)', async () => {
    hasPolicy(policyWith(OURS));
    const p = await restorePlan(null);
    expect(p.changes).toEqual([expect.objectContaining({ action: 'delete-bucket-policy' })]);
    await step.restore!.apply(testContext().ctx, recorded(null), p);
    expect(s3).toHaveReceivedCommandTimes(DeleteBucketPolicyCommand, 1);
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('has nothing to undo when its statement is gone, and flags one changed since it wrote it', async () => {
    hasPolicy(policyWith(READER));
    expect((await restorePlan(policyWith(READER))).changes).toEqual([]);
    hasPolicy(policyWith(READER, { ...OURS, Action: 's3:PutObject' }));
    expect((await restorePlan(policyWith(READER))).drift).toEqual([
      expect.stringMatching(
        /^the statement with drp's Sid DrpRequireMfaINCTEST1 was changed since drp wrote it/,
      ),
    ]);
  });
});
