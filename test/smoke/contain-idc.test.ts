import { join } from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListInstancesCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const sso = new SSOAdminClient(config);
const identityStore = new IdentitystoreClient(config);
const ACCOUNT = '123456789012';
const bucket = 'idc-media';
const SSO_ROLE = 'AWSReservedSSO_MediaEditors_0123456789abcdef';
const EDITORS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ReadMedia', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
  ],
});

interface Seeded {
  instanceArn: string;
  aliceId: string;
  editors: string;
  admins: string;
}

/** An Identity Center with two permission sets assigned to Alice in the account, provisioned there. */
async function seedIdentityCenter(): Promise<Seeded> {
  const { Instances } = await sso.send(new ListInstancesCommand({}));
  const { InstanceArn: instanceArn, IdentityStoreId } = Instances![0]!;
  const { UserId } = await identityStore.send(
    new CreateUserCommand({
      IdentityStoreId,
      UserName: 'alice@example.com',
      DisplayName: 'Alice',
      Name: { GivenName: 'Alice', FamilyName: 'Doe' },
    }),
  );
  const sets: string[] = [];
  for (const Name of ['MediaEditors', 'MediaAdmins']) {
    const { PermissionSet } = await sso.send(
      new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name }),
    );
    sets.push(PermissionSet!.PermissionSetArn!);
    await sso.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: PermissionSet!.PermissionSetArn!,
        PrincipalId: UserId!,
        PrincipalType: 'USER',
        TargetId: ACCOUNT,
        TargetType: 'AWS_ACCOUNT',
      }),
    );
    await sso.send(
      new ProvisionPermissionSetCommand({
        InstanceArn: instanceArn,
        PermissionSetArn: PermissionSet!.PermissionSetArn!,
        TargetId: ACCOUNT,
        TargetType: 'AWS_ACCOUNT',
      }),
    );
  }
  await sso.send(
    new PutInlinePolicyToPermissionSetCommand({
      InstanceArn: instanceArn,
      PermissionSetArn: sets[0]!,
      InlinePolicy: EDITORS_POLICY,
    }),
  );
  // The role Identity Center made for MediaEditors in the account, where IAM refuses PutRolePolicy.
  await iam.send(
    new CreateRoleCommand({
      RoleName: SSO_ROLE,
      Path: '/aws-reserved/sso.amazonaws.com/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO` },
            Action: 'sts:AssumeRoleWithSAML',
          },
        ],
      }),
    }),
  );
  return { instanceArn: instanceArn!, aliceId: UserId!, editors: sets[0]!, admins: sets[1]! };
}

const inline = async (s: Seeded, arn: string) =>
  (
    await sso.send(
      new GetInlinePolicyForPermissionSetCommand({ InstanceArn: s.instanceArn, PermissionSetArn: arn }),
    )
  ).InlinePolicy || null;

describe('drp contain --idc-user and an Identity Center role, then drp restore', () => {
  const evidence = join(scratch(), 'ev');
  let seeded: Seeded;

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await seedOrganization(organizations);
    seeded = await seedIdentityCenter();
  });

  it("denies Alice in each of her permission sets, revokes the SSO role's sessions through its permission set", async () => {
    const out = await runDrp(
      [
        '--incident',
        'INC-IDC-1',
        'contain',
        '--bucket',
        bucket,
        '--idc-user',
        'alice@example.com',
        '--role',
        SSO_ROLE,
        '--yes',
        '--evidence-dir',
        evidence,
      ],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/contain-idc-users\s+applied/);
    expect(out.stdout).toMatch(/revoke-sso-role-sessions\s+applied/);
    expect(out.stdout).toMatch(
      new RegExp(`role ${SSO_ROLE} is an IAM Identity Center role: IAM refuses to change it`),
    );

    const editors = JSON.parse((await inline(seeded, seeded.editors))!) as {
      Statement: Record<string, unknown>[];
    };
    expect(editors.Statement[0]).toEqual(JSON.parse(EDITORS_POLICY).Statement[0]);
    expect(editors.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { StringEquals: { 'identitystore:userId': seeded.aliceId } },
      }),
    );
    expect(editors.Statement).toContainEqual(
      expect.objectContaining({
        Sid: 'DrpRevokeINCIDC1',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } },
      }),
    );
    const admins = JSON.parse((await inline(seeded, seeded.admins))!) as { Statement: unknown[] };
    expect(admins.Statement).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'identitystore:userId': seeded.aliceId } } }),
    ]);
  });

  it("restore puts each permission set's inline policy back as it was", async () => {
    const out = await runDrp(
      ['restore', join(evidence, 'journal.jsonl'), '--yes', '--evidence-dir', join(evidence, 'r')],
      {
        endpoint,
      },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await inline(seeded, seeded.editors)).toBe(EDITORS_POLICY);
    expect(await inline(seeded, seeded.admins)).toBeNull();
  });
});
