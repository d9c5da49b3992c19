import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/s3-deny-policy.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const restore = step.restore!;
const RESPONDER = 'arn:aws:iam::123456789012:role/Responder';

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
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::media/*',
};
// The original text, with its own spacing: a restore must send it byte for byte.
const ORIGINAL = `{\n  "Version": "2012-10-17",\n  "Id": "media",\n  "Statement": [${JSON.stringify(READER)}]\n}`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Id: 'media', Statement });

function live(text: string | undefined) {
  if (text === undefined)
    s3.on(GetBucketPolicyCommand).rejects(
      new S3ServiceException({
        name: 'NoSuchBucketPolicy',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: '',
      }),
    );
  else s3.on(GetBucketPolicyCommand).resolves({ Policy: text });
}

const contained = (before: string | null, withResult = true) =>
  recordedOf(
    { bucket: 'media' },
    { bucket: 'media', policy: before },
    withResult ? { data: { sid: OURS.Sid, statement: OURS } } : undefined,
  );
const plan = (before: string | null, withResult = true) =>
  restore.plan(testContext({ aws: testPorts(true) }).ctx, contained(before, withResult), DEFAULTS);

describe('s3-deny-policy restore', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutBucketPolicyCommand).resolves({ $metadata: { requestId: 'R-PUT' } });
    s3.on(DeleteBucketPolicyCommand).resolves({ $metadata: { requestId: 'R-DEL' } });
  });

  it('puts back the original policy text byte for byte, with no drift when the policy is as drp wrote it', async () => {
    live(policy(READER, OURS));
    const p = await plan(ORIGINAL);
    expect(p).toMatchObject({
      before: { policy: ORIGINAL },
      drift: [],
      changes: [{ action: 'put-bucket-policy', target: 's3://media' }],
    });
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
    const applied = await restore.apply(testContext().ctx, contained(ORIGINAL), p);
    expect(s3).toHaveReceivedCommandWith(PutBucketPolicyCommand, { Bucket: 'media', Policy: ORIGINAL });
    expect(s3).toHaveReceivedCommandTimes(DeleteBucketPolicyCommand, 0);
    expect(applied.requestIds).toEqual(['R-PUT']);
  });

  it('deletes the bucket policy when the bucket had none before drp', async () => {
    live(JSON.stringify({ Version: '2012-10-17', Statement: [OURS] }));
    const p = await plan(null);
    expect(p.changes).toEqual([
      {
        action: 'delete-bucket-policy',
        target: 's3://media',
        detail: 'there was no bucket policy before drp',
      },
    ]);
    expect(p.drift).toEqual([]);
    await restore.apply(testContext().ctx, contained(null), p);
    expect(s3).toHaveReceivedCommandWith(DeleteBucketPolicyCommand, { Bucket: 'media' });
    expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
  });

  it('has nothing to put back when the live policy is already the original', async () => {
    live(policy(READER));
    expect(await plan(policy(READER))).toMatchObject({ changes: [], drift: [] });
  });

  it('warns of drift when drp statement is gone from the live policy', async () => {
    live(
      policy(READER, {
        Sid: 'Added',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:DeleteObject',
        Resource: '*',
      }),
    );
    const p = await plan(ORIGINAL);
    expect(p.drift).toEqual([
      expect.stringMatching(/no longer contains drp's deny statement .*DrpContainINCTEST1/),
    ]);
    expect(p.changes).toHaveLength(1);
  });

  it('warns of drift when statements were added beside drp statement since', async () => {
    const added = {
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
    };
    live(policy(READER, OURS, added));
    const p = await plan(ORIGINAL);
    expect(p.drift).toEqual([expect.stringMatching(/differs from what drp wrote/)]);
  });

  it('warns of drift when the policy was deleted since', async () => {
    live(undefined);
    expect((await plan(ORIGINAL)).drift).toEqual([expect.stringMatching(/has no bucket policy now/)]);
  });

  it('for a run cut off before its result, recognises drp statement by its Sid', async () => {
    live(policy(READER, OURS));
    expect(await plan(ORIGINAL, false)).toMatchObject({
      drift: [],
      changes: [{ action: 'put-bucket-policy' }],
    });
  });

  it('notes that a public original policy needs Block Public Access restored first', async () => {
    const PUBLIC = {
      Sid: 'Public',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
    };
    live(policy(PUBLIC, OURS));
    const p = await plan(policy(PUBLIC));
    expect(p.notes).toEqual([
      expect.stringMatching(
        /public grants by S3.s definition \(Sid Public\).*restored before this step; with --only, include the block-public-access step/,
      ),
    ]);
  });
});
