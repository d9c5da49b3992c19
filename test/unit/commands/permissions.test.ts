import { describe, expect, it } from 'vitest';
import { runbookPermissions } from '../../../src/commands/permissions.js';

interface Policy {
  Statement: {
    Sid: string;
    Action: string[];
    Resource: string | string[];
    Condition?: unknown;
    Principal?: unknown;
  }[];
}
interface PerIdentity {
  roleArn: string;
  policy: Policy;
  trustPolicy: Policy;
}
const json = (accounts?: Parameters<typeof runbookPermissions>[1]) =>
  runbookPermissions('deepfake-s3-leak', accounts).json as {
    policy: Policy;
    identities: Record<string, PerIdentity>;
    assumer: Policy;
  };
const actions = (p: Policy, sid = /^Drp(?!Restore)/) =>
  p.Statement.filter((s) => sid.test(s.Sid)).flatMap((s) => s.Action);

describe('drp permissions', () => {
  it('gives each identity only what its steps call as it', () => {
    const { identities } = json();
    expect(Object.keys(identities)).toEqual(['target', 'org', 'logs', 'evidence']);
    // The management account's: Organizations and IAM Identity Center (sso, identitystore), nothing else.
    expect(
      actions(identities.org!.policy).filter((a) => !/^(organizations|sso|identitystore):/.test(a)),
    ).toEqual(['iam:GetRole', 'sts:GetCallerIdentity']);
    expect(actions(identities.logs!.policy)).toEqual([
      'iam:GetRole',
      'kms:Decrypt',
      's3:GetObject',
      's3:ListBucket',
      'sts:GetCallerIdentity',
    ]);
    expect(actions(identities.target!.policy)).toContain('s3:PutBucketPolicy');
    expect(actions(identities.target!.policy)).not.toContain('organizations:AttachPolicy');
    expect(actions(identities.evidence!.policy)).toEqual(
      expect.arrayContaining(['s3:CreateBucket', 's3:PutObject', 's3:PutObjectLegalHold']),
    );
    // The evidence identity writes only the evidence bucket: no key, user or SCP of the workload.
    expect(actions(identities.evidence!.policy)).not.toContain('iam:UpdateAccessKey');
    expect(actions(identities.evidence!.policy)).not.toContain('organizations:AttachPolicy');
  });

  it("keeps each restore's actions with the identity that restores: detaching the SCP is the org role's", () => {
    const { identities } = json();
    expect(actions(identities.org!.policy, /^DrpRestore/)).toEqual([
      'organizations:DeletePolicy',
      'organizations:DetachPolicy',
      'sso:DeleteInlinePolicyFromPermissionSet',
    ]);
    // The workload's own undo (each step adds its own); never the organization's.
    const targetRestore = actions(identities.target!.policy, /^DrpRestore/);
    expect(targetRestore).toEqual(expect.arrayContaining(['iam:DeleteRolePolicy', 's3:DeleteBucketPolicy']));
    // (It may read the organization, to tell its grants from outside ones; it never changes an SCP.)
    expect(targetRestore.filter((a) => /^organizations:(Delete|Detach)/.test(a))).toEqual([]);
  });

  it('names placeholders without roles, and the real roles, external id and MFA condition with them', () => {
    expect(json().identities.org!.roleArn).toBe('arn:aws:iam::MANAGEMENT_ACCOUNT_ID:role/drp-org');
    const given = json({
      roles: {
        target: 'arn:aws-us-gov:iam::111111111111:role/drp-target',
        org: 'arn:aws-us-gov:iam::222222222222:role/ir/drp-org',
      },
      externalId: 'incident-response',
      mfaSerial: 'arn:aws-us-gov:iam::555555555555:mfa/alice',
    });
    expect(given.identities.org!.roleArn).toBe('arn:aws-us-gov:iam::222222222222:role/ir/drp-org');
    expect(given.identities.logs!.roleArn).toBe('arn:aws-us-gov:iam::LOG_ARCHIVE_ACCOUNT_ID:role/drp-logs');
    expect(given.identities.target!.trustPolicy.Statement[0]).toEqual({
      Sid: 'DrpResponderAssumesThisRole',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws-us-gov:iam::555555555555:root' },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: {
        StringEquals: { 'sts:ExternalId': 'incident-response' },
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      },
    });
    expect(given.assumer.Statement[0]!.Resource).toEqual([
      'arn:aws-us-gov:iam::111111111111:role/drp-target',
      'arn:aws-us-gov:iam::222222222222:role/ir/drp-org',
      'arn:aws-us-gov:iam::LOG_ARCHIVE_ACCOUNT_ID:role/drp-logs',
      'arn:aws-us-gov:iam::FORENSICS_ACCOUNT_ID:role/drp-evidence',
    ]);
  });
});
