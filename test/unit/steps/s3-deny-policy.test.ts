import {
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { MAX_POLICY_BYTES, sidFor } from '../../../src/steps/s3-deny-policy.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const params = { bucket: 'media' };
const RESPONDER = 'arn:aws:iam::123456789012:role/Responder';
const BREAKGLASS = 'arn:aws:iam::123456789012:role/BreakGlass';

const OURS = {
  Sid: 'DrpContainINCTEST1',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: ['arn:aws:s3:::media', 'arn:aws:s3:::media/*'],
  Condition: { ArnNotLike: { 'aws:PrincipalArn': [RESPONDER] } },
};
const READER = {
  Sid: 'Reader',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/MediaReader' },
  Action: ['s3:GetObject'],
  Resource: 'arn:aws:s3:::media/*',
  Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
};
const TLS = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::media/*' };

const policyWith = (...Statement: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Id: 'media-policy', Statement });
const hasPolicy = (text: string | undefined) =>
  text === undefined
    ? s3.on(GetBucketPolicyCommand).rejects(
        new S3ServiceException({
          name: 'NoSuchBucketPolicy',
          $fault: 'client',
          $metadata: { httpStatusCode: 404 },
          message: '',
        }),
      )
    : s3.on(GetBucketPolicyCommand).resolves({ Policy: text });

const plan = (overrides = {}) => step.plan(testContext({ aws: testPorts(true), ...overrides }).ctx, params);
async function applyPlanned(overrides = {}) {
  const p = await plan(overrides);
  const applied = await step.apply(testContext(overrides).ctx, params, p);
  const put = s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input.Policy;
  return { plan: p, applied, policy: put ? (JSON.parse(put) as { Statement: object[] }) : undefined, put };
}

describe('s3-deny-policy', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutBucketPolicyCommand).resolves({ $metadata: { requestId: 'R-POLICY' } });
  });

  it('builds a Sid from the incident id with only letters and digits', () => {
    expect(sidFor('INC-20261125-183000-7f3a')).toBe('DrpContainINC202611251830007f3a');
    expect(sidFor('a_b.c d')).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('plans the deny on a bucket without a policy, recording null as the before-state, sending nothing', async () => {
    hasPolicy(undefined);
    const p = await plan();
    expect(p.observed).toEqual({ bucket: 'media', policy: null });
    expect(p.changes).toEqual([
      {
        action: 'add-deny-statement',
        target: 's3://media',
        detail: expect.stringMatching(
          /^Sid DrpContainINCTEST1 denies s3:\* to all but arn:aws:iam::123456789012:role\/Responder; 0 other statement\(s\) kept; \d+ of 20480 bytes$/,
        ),
      },
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('puts a policy holding only the deny, exempting every exempt principal by aws:PrincipalArn', async () => {
    hasPolicy(undefined);
    const { policy, applied } = await applyPlanned({ exemptPrincipals: [RESPONDER, BREAKGLASS] });
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [{ ...OURS, Condition: { ArnNotLike: { 'aws:PrincipalArn': [RESPONDER, BREAKGLASS] } } }],
    });
    expect(applied).toMatchObject({ requestIds: ['R-POLICY'], data: { sid: 'DrpContainINCTEST1' } });
  });

  it('keeps every other statement, in order and unchanged, with the policy Id and Version, and records the original text', async () => {
    const original = policyWith(READER, TLS);
    hasPolicy(original);
    const { plan: p, policy } = await applyPlanned();
    expect(p.observed.policy).toBe(original);
    expect(policy).toEqual({ Version: '2012-10-17', Id: 'media-policy', Statement: [READER, TLS, OURS] });
  });

  it('keeps a policy whose Statement is a single object', async () => {
    hasPolicy(JSON.stringify({ Version: '2012-10-17', Statement: READER }));
    expect((await applyPlanned()).policy?.Statement).toEqual([READER, OURS]);
  });

  it('has nothing to do on a re-run, even when S3 returns its statement in normalised form', async () => {
    const normalised = {
      ...OURS,
      Resource: ['arn:aws:s3:::media/*', 'arn:aws:s3:::media'],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': RESPONDER } },
    };
    hasPolicy(policyWith(READER, normalised));
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('replaces its own statement in place when the exempt principals changed, never adding a second', async () => {
    hasPolicy(policyWith(READER, OURS, TLS));
    const { plan: p, policy } = await applyPlanned({ exemptPrincipals: [RESPONDER, BREAKGLASS] });
    expect(p.changes[0]?.action).toBe('replace-deny-statement');
    expect(policy?.Statement).toEqual([
      READER,
      { ...OURS, Condition: { ArnNotLike: { 'aws:PrincipalArn': [RESPONDER, BREAKGLASS] } } },
      TLS,
    ]);
  });

  it('adds nothing when an equivalent drp deny from an earlier incident is there, and says so', async () => {
    hasPolicy(policyWith(READER, { ...OURS, Sid: 'DrpContainINC1' }));
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual(['an equivalent drp deny (Sid DrpContainINC1) is already in the policy']);
  });

  it('refuses before calling AWS when the policy would pass 20 KB, naming the size', async () => {
    const filler = {
      ...READER,
      Sid: 'Big',
      Resource: `arn:aws:s3:::media/${'x'.repeat(MAX_POLICY_BYTES - 400)}`,
    };
    hasPolicy(policyWith(filler));
    const err = (await plan().catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('PolicyTooLarge');
    expect(err.message).toMatch(
      /^the bucket policy of s3:\/\/media would be \d+ bytes with drp's deny statement, over S3's 20 KB limit \(20480 bytes\): nothing was sent/,
    );
    expect(Number(/be (\d+) bytes/.exec(err.message)?.[1])).toBeGreaterThan(MAX_POLICY_BYTES);
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('accepts a policy that stays within 20 KB', async () => {
    const filler = {
      ...READER,
      Sid: 'Big',
      Resource: `arn:aws:s3:::media/${'x'.repeat(MAX_POLICY_BYTES - 1000)}`,
    };
    hasPolicy(policyWith(filler));
    expect((await plan()).changes).toHaveLength(1);
  });

  it('removes unconditional public grants (S3 refuses them under Block Public Access) and keeps the rest', async () => {
    const PUBLIC = {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
    };
    const PUBLIC_AWS = { ...PUBLIC, Sid: 'PublicList', Principal: { AWS: ['*'] } };
    hasPolicy(policyWith(READER, PUBLIC, PUBLIC_AWS));
    const { plan: p, policy } = await applyPlanned();
    expect(p.changes[0]!.detail).toMatch(
      /1 other statement\(s\) kept; public grant\(s\) removed: Sid PublicRead, PublicList/,
    );
    expect(policy!.Statement).toEqual([
      READER,
      expect.objectContaining({ Effect: 'Deny', Sid: 'DrpContainINCTEST1' }),
    ]);
    // The original text, public grants included, is what a restore puts back.
    expect(p.observed.policy).toBe(policyWith(READER, PUBLIC, PUBLIC_AWS));
  });

  it('keeps a public-principal grant that carries a condition (it may not be public)', async () => {
    const VPC_ONLY = {
      Sid: 'VpcOnly',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
      Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    };
    hasPolicy(policyWith(VPC_ONLY));
    const { policy } = await applyPlanned();
    expect(policy!.Statement[0]).toEqual(VPC_ONLY);
  });

  it('removes an Allow to "*" conditioned on aws:Referer: S3 calls it public and would refuse the deny', async () => {
    const REFERER = {
      Sid: 'HotlinkOnly',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
      Condition: { StringLike: { 'aws:Referer': 'https://shop.example.com/*' } },
    };
    hasPolicy(policyWith(READER, REFERER));
    const { plan: p, policy } = await applyPlanned();
    expect(p.changes[0]!.detail).toMatch(/public grant\(s\) removed: Sid HotlinkOnly/);
    expect(policy!.Statement).toEqual([READER, expect.objectContaining({ Effect: 'Deny' })]);
  });

  it('refuses to rewrite a policy that is not JSON', async () => {
    hasPolicy('{not json');
    await expect(plan()).rejects.toThrow(/not valid JSON: drp will not rewrite it/);
  });

  it('reports a missing bucket as a user error naming it', async () => {
    s3.on(HeadBucketCommand).rejects(
      new S3ServiceException({
        name: 'NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
    await expect(plan()).rejects.toMatchObject({ name: 'UserError' });
  });
});
