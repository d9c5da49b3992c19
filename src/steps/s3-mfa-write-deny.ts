import * as z from 'zod';
import { BucketName, partitionOf, RoleArn } from '../names.js';
import { defineStep, type StepContext } from './define.js';
import { parse, type Statement } from './lib/bucket-policy.js';
import { requireBucket } from './lib/bucket.js';
import { isPublicStatement } from './lib/public-policy.js';
import { withStatement } from './lib/policy-statement.js';
import restore from './s3-mfa-write-deny.restore.js';

export interface Observed {
  bucket: string;
  /** The policy text exactly as S3 returned it (null: none): what the restore compares with. */
  policy: string | null;
}

export const MFA_SID_PREFIX = 'DrpRequireMfa';
/** IAM Sids are [A-Za-z0-9] only. */
export const mfaSidFor = (incidentId: string) =>
  `${MFA_SID_PREFIX}${incidentId.replace(/[^A-Za-z0-9]/g, '')}`;

/** Every request that writes or removes an object version, its ACL, tags, retention or legal hold. */
export const WRITE_ACTIONS = [
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
];

/**
 * Deny writes without MFA. BoolIfExists, not Bool: aws:MultiFactorAuthPresent is absent from a
 * request signed with long-term access keys (the way a leaked key is used), and a Bool test of an
 * absent key does not match, so `Bool false` would let exactly the leaked keys through. IfExists
 * matches an absent key. aws:PrincipalIsAWSService exempts AWS service principals (log delivery,
 * CloudTrail), which never carry MFA; an anonymous request carries neither key and is denied.
 */
export function mfaStatement(
  ctx: Pick<StepContext, 'incidentId' | 'caller' | 'exemptPrincipals'>,
  bucket: string,
  serviceRoles: string[],
): Statement {
  return {
    Sid: mfaSidFor(ctx.incidentId),
    Effect: 'Deny',
    Principal: '*',
    Action: WRITE_ACTIONS,
    Resource: `arn:${partitionOf(ctx.caller.arn)}:s3:::${bucket}/*`,
    Condition: {
      BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', 'aws:PrincipalIsAWSService': 'false' },
      ArnNotLike: { 'aws:PrincipalArn': [...new Set([...ctx.exemptPrincipals, ...serviceRoles])] },
    },
  };
}

/** What the deny stops and whom it spares, in the plan: the operator reads it before confirming. */
function planNotes(ctx: StepContext, policy: string | null, bucket: string): string[] {
  const notes = [
    `people who sign in through an identity provider (SAML, OIDC, IAM Identity Center) count as without MFA: AWS sets aws:MultiFactorAuthPresent only for MFA it verified (console sign-in, or STS AssumeRole/GetSessionToken with an MFA code); exempt their role with --exempt-principal if they must write to s3://${bucket}`,
    'roles that AWS services or your workloads assume (Lambda, EC2, S3 replication or Batch Operations) carry no MFA: name each that writes here with --service-role, or its writes are denied',
  ];
  const statements = [parse(bucket, policy).Statement ?? []].flat();
  const publicSids = statements.filter(isPublicStatement).map((s) => String(s.Sid ?? '(no Sid)'));
  if (publicSids.length)
    notes.push(
      `the policy still grants public access (Sid ${publicSids.join(', ')}): with Block Public Access's BlockPublicPolicy on, S3 refuses any new policy that keeps them; drp contain removes them first`,
    );
  return notes;
}

export default defineStep({
  type: 's3-mfa-write-deny',
  summary:
    "Add a Deny to the bucket policy of every object write, delete, tag, ACL, retention or legal-hold change by a principal without MFA; drp's identities, --exempt-principal and the named service roles are exempt, reads stay open",
  params: z
    .object({
      bucket: BucketName.describe('The bucket whose policy gets the MFA deny'),
      serviceRoles: z
        .array(RoleArn)
        .default([])
        .describe('Roles of workloads or AWS services that write to the bucket without MFA: exempt'),
    })
    .strict(),
  permissions: ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
  example: { bucket: 'product-media-prod', serviceRoles: ['arn:aws:iam::123456789012:role/media-pipeline'] },

  async plan(ctx, p) {
    await requireBucket(ctx.aws.s3, p.bucket);
    const policy = (await ctx.aws.s3.getBucketPolicy(p.bucket)) ?? null;
    const observed: Observed = { bucket: p.bucket, policy };
    const statement = mfaStatement(ctx, p.bucket, p.serviceRoles);
    const next = withStatement(p.bucket, policy, statement, MFA_SID_PREFIX);
    if (next.unchanged)
      return {
        observed,
        changes: [],
        ...(next.equivalentSid
          ? { notes: [`an equivalent drp MFA deny (Sid ${next.equivalentSid}) is already in the policy`] }
          : {}),
      };
    const exempt = (statement.Condition as { ArnNotLike: { 'aws:PrincipalArn': string[] } }).ArnNotLike[
      'aws:PrincipalArn'
    ];
    return {
      observed,
      changes: [
        {
          action: next.replaced ? 'replace-mfa-deny-statement' : 'add-mfa-deny-statement',
          target: `s3://${p.bucket}`,
          detail: `Sid ${String(statement.Sid)} denies object writes without MFA to all but ${exempt.join(', ')}; ${next.kept} other statement(s) kept; ${next.bytes} bytes`,
        },
      ],
      notes: planNotes(ctx, policy, p.bucket),
    };
  },

  async apply(ctx, p, plan) {
    const statement = mfaStatement(ctx, p.bucket, p.serviceRoles);
    const next = withStatement(p.bucket, plan.observed.policy, statement, MFA_SID_PREFIX);
    if (next.unchanged) return { changes: [], requestIds: [] };
    const call = await ctx.aws.s3.putBucketPolicy(p.bucket, next.text);
    return {
      changes: plan.changes,
      requestIds: call.requestId ? [call.requestId] : [],
      data: { sid: statement.Sid, statement },
    };
  },

  restore,
});
