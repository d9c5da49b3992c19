import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  AccessDeniedException as OrgsAccessDenied,
  AccountNotFoundException,
  AWSOrganizationsNotInUseException,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/s3-deny-policy.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const orgs = mockClient(OrganizationsClient);
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
const PUBLIC = {
  Sid: 'Public',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::media/*',
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

  it('with --keep-external-grants puts a public grant back, and notes that Block Public Access must be restored first', async () => {
    live(policy(OURS));
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, contained(policy(PUBLIC)), {
      ...DEFAULTS,
      keepExternalGrants: true,
    });
    expect(p.changes).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/^the original policy text/) }),
    ]);
    expect(p.notes).toEqual([
      'put back with --keep-external-grants: Sid Public (grants to anyone ("*") without a condition S3 treats as non-public)',
      expect.stringMatching(
        /public grants by S3.s definition \(Sid Public\).*restored before this step; with --only, include the block-public-access step/,
      ),
    ]);
  });

  describe('no backdoor restored', () => {
    const OTHER = '999988887777';
    const OUTSIDE = {
      Sid: 'Vendor',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::media/*',
    };
    const org = (members: string[] | 'denied') => {
      orgs.on(DescribeOrganizationCommand).resolves({
        Organization: { Id: 'o-abc123', MasterAccountId: '111111111111', FeatureSet: 'ALL' },
      });
      if (members === 'denied')
        orgs.on(DescribeAccountCommand).rejects(
          new OrgsAccessDenied({
            $metadata: { httpStatusCode: 400 },
            message: 'You don’t have permissions to access this resource.',
          }),
        );
      else
        orgs.on(DescribeAccountCommand).callsFake(({ AccountId }: { AccountId: string }) => {
          if (members.includes(AccountId)) return { Account: { Id: AccountId } };
          throw new AccountNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' });
        });
    };

    beforeEach(() => {
      orgs.reset();
      // An account outside AWS Organizations answers this.
      orgs.on(DescribeOrganizationCommand).rejects(
        new AWSOrganizationsNotInUseException({
          $metadata: { httpStatusCode: 400 },
          message: 'Your account is not a member of an organization.',
        }),
      );
    });

    it('leaves out a grant to another account (no organization), names it, and journals its text', async () => {
      live(policy(READER, OUTSIDE, OURS));
      const p = await plan(policy(READER, OUTSIDE));
      const expected = policy(READER);
      expect(p.observed).toEqual(expect.objectContaining({ putBack: expected }));
      expect(p.changes).toEqual([
        {
          action: 'put-bucket-policy',
          target: 's3://media',
          detail:
            'the original policy without 1 statement granting access outside the organization (Sid Vendor)',
        },
      ]);
      expect(p.notes).toEqual([
        `left out of the restored policy, as they grant access outside the organization: Sid Vendor (grants to arn:aws:iam::${OTHER}:root: account ${OTHER} is outside account 123456789012). The journal keeps their text; drp restore --keep-external-grants puts them back`,
      ]);
      const applied = await restore.apply(testContext().ctx, contained(policy(READER, OUTSIDE)), p);
      expect(s3).toHaveReceivedCommandWith(PutBucketPolicyCommand, { Bucket: 'media', Policy: expected });
      expect(applied.data).toEqual({
        leftOut: [{ sid: 'Vendor', reason: expect.stringContaining(OTHER), statement: OUTSIDE }],
      });
    });

    it('with --keep-external-grants puts the original text back byte for byte, grant included', async () => {
      live(policy(READER, OUTSIDE, OURS));
      const before = `{\n "Statement": [${JSON.stringify(OUTSIDE)}]\n}`;
      const ctx = testContext({ aws: testPorts(true) }).ctx;
      const p = await restore.plan(ctx, contained(before), { ...DEFAULTS, keepExternalGrants: true });
      await restore.apply(testContext().ctx, contained(before), p);
      expect(s3).toHaveReceivedCommandWith(PutBucketPolicyCommand, { Bucket: 'media', Policy: before });
    });

    it('deletes the policy when every statement of it granted outside', async () => {
      live(policy(OUTSIDE, OURS));
      const p = await plan(policy(OUTSIDE));
      expect(p.changes).toEqual([
        {
          action: 'delete-bucket-policy',
          target: 's3://media',
          detail: 'none of its statements is put back',
        },
      ]);
      await restore.apply(testContext().ctx, contained(policy(OUTSIDE)), p);
      expect(s3).toHaveReceivedCommandTimes(DeleteBucketPolicyCommand, 1);
      expect(s3).toHaveReceivedCommandTimes(PutBucketPolicyCommand, 0);
    });

    it('keeps a grant to an account of the organization, and leaves out one to an account outside it', async () => {
      org(['222233334444']);
      const MEMBER = {
        ...OUTSIDE,
        Sid: 'Member',
        Principal: { AWS: 'arn:aws:iam::222233334444:role/Reader' },
      };
      live(policy(MEMBER, OUTSIDE, OURS));
      const p = await plan(policy(MEMBER, OUTSIDE));
      expect(p.observed).toEqual(expect.objectContaining({ putBack: policy(MEMBER) }));
      expect(p.notes).toEqual([expect.stringContaining(`account ${OTHER} is outside organization o-abc123`)]);
    });

    it('counts an account it may not look up in the organization as outside, and says why', async () => {
      org('denied');
      const MEMBER = { ...OUTSIDE, Sid: 'Member', Principal: { AWS: '222233334444' } };
      live(policy(MEMBER, OURS));
      const p = await plan(policy(MEMBER));
      expect(p.observed).toEqual(expect.objectContaining({ putBack: null }));
      expect(p.notes).toEqual([
        expect.stringContaining('organizations:DescribeAccount: AccessDeniedException'),
        expect.stringContaining('account 222233334444 is not known to be in organization o-abc123'),
      ]);
    });

    it('judges a grant to anyone by its conditions: its own organization kept, another organization and public left out', async () => {
      org([]);
      const ORG = {
        ...PUBLIC,
        Sid: 'Org',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      };
      const FOREIGN = {
        ...PUBLIC,
        Sid: 'Foreign',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-evil99' } },
      };
      const SERVICE = { ...READER, Sid: 'Logs', Principal: { Service: 'logging.s3.amazonaws.com' } };
      live(policy(ORG, FOREIGN, SERVICE, OURS));
      const p = await plan(policy(ORG, FOREIGN, PUBLIC, SERVICE));
      expect(p.observed).toEqual(expect.objectContaining({ putBack: policy(ORG, SERVICE) }));
      expect(p.notes![0]).toContain('Sid Foreign (grants to anyone in organization o-evil99, not o-abc123)');
      expect(p.notes![0]).toContain(
        'Sid Public (grants to anyone ("*") without a condition S3 treats as non-public)',
      );
    });

    it('asks Organizations nothing when no statement names another account or organization', async () => {
      live(policy(READER, OURS));
      await plan(policy(READER, PUBLIC));
      expect(orgs).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 0);
    });
  });
});
