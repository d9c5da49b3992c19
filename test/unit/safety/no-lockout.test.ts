import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetResourcePolicyCommand,
  PolicyNotFoundException,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { silentProgress } from '../../../src/output/progress.js';
import { parseRunbook } from '../../../src/runbook/load.js';
import { openSession } from '../../../src/runbook/session.js';
import { arnLike, denies, type Statement } from './deny-evaluator.js';
import { stubCaller } from '../../support/sts.js';

// No lockout: for each kind of caller, every deny drp writes must not apply to the principal AWS
// will evaluate for that caller (aws:PrincipalArn), and must apply to anyone else. The documents
// are the ones the steps send, through a real session (STS caller -> principal, role path looked up).

const ACCOUNT = '123456789012';
const STRANGER = `arn:aws:iam::${ACCOUNT}:role/attacker`;

interface CallerKind {
  /** What STS GetCallerIdentity returns. */
  sessionArn: string;
  /** What aws:PrincipalArn carries for that caller: what a deny must exempt. */
  principalArn: string;
  /** For a role session: the role name, and whether GetRole on it is allowed. */
  role?: { name: string; readable: boolean };
}

const CALLERS: Record<string, CallerKind> = {
  'an IAM user with a path': {
    sessionArn: `arn:aws:iam::${ACCOUNT}:user/ops/alice`,
    principalArn: `arn:aws:iam::${ACCOUNT}:user/ops/alice`,
  },
  'an assumed role with a path': {
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Responder/alice`,
    principalArn: `arn:aws:iam::${ACCOUNT}:role/incident/Responder`,
    role: { name: 'Responder', readable: true },
  },
  'an SSO permission-set role': {
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_IncidentResponse_0123abcd/alice@example.com`,
    principalArn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_IncidentResponse_0123abcd`,
    role: { name: 'AWSReservedSSO_IncidentResponse_0123abcd', readable: true },
  },
  'a SAML-federated role': {
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/SAML-Responders/alice@example.com`,
    principalArn: `arn:aws:iam::${ACCOUNT}:role/federated/SAML-Responders`,
    role: { name: 'SAML-Responders', readable: true },
  },
  'a role whose path drp may not read (no iam:GetRole)': {
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Responder/alice`,
    principalArn: `arn:aws:iam::${ACCOUNT}:role/incident/Responder`,
    role: { name: 'Responder', readable: false },
  },
  'a federated user (GetFederationToken)': {
    sessionArn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
    principalArn: `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
  },
  'the root user': {
    sessionArn: `arn:aws:iam::${ACCOUNT}:root`,
    principalArn: `arn:aws:iam::${ACCOUNT}:root`,
  },
};

const RUNBOOK = parseRunbook(
  [
    'apiVersion: drp/v1',
    'name: denies',
    'description: Every step that writes a deny',
    'params:',
    '  bucket: { type: string, required: true }',
    '  roles: { type: list, default: [] }',
    "  batchRole: { type: string, default: '' }",
    'steps:',
    '  - { id: deny, type: s3-deny-policy, with: { bucket: "${{ params.bucket }}" } }',
    '  - { id: holds, type: s3-legal-holds, with: { bucket: "${{ params.bucket }}", batchRoleArn: "${{ params.batchRole }}" } }',
    '  - { id: scp, type: org-scp-deny, with: { bucket: "${{ params.bucket }}" } }',
    '  - { id: revoke, type: iam-revoke-role-sessions, with: { roles: "${{ params.roles }}" } }',
    '  - { id: table, type: dynamodb-contain, with: { tables: [customer-profiles] } }',
    '  - { id: mfa, type: s3-mfa-write-deny, with: { bucket: "${{ params.bucket }}" } }',
    '',
  ].join('\n'),
  'denies.yaml',
);

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const org = mockClient(OrganizationsClient);
const ddb = mockClient(DynamoDBClient);
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/customer-profiles';

const roleArn = (name: string, path: string) => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;

function mockAccount(caller: CallerKind) {
  stubCaller(sts, caller.sessionArn, ACCOUNT);
  const noEntity = new NoSuchEntityException({ message: 'no such role', $metadata: {} });
  iam.on(GetRoleCommand).rejects(noEntity);
  if (caller.role) {
    const role = {
      Role: {
        RoleName: caller.role.name,
        Arn: caller.principalArn,
        Path: caller.principalArn.slice(caller.principalArn.indexOf(':role') + 5, -caller.role.name.length),
        RoleId: 'AROA',
        CreateDate: new Date(),
      },
    };
    const denied = Object.assign(new Error('not authorized to perform: iam:GetRole'), {
      name: 'AccessDenied',
    });
    // Caller resolution is the first GetRole; the step's plan reads the role it targets after.
    if (caller.role.readable) iam.on(GetRoleCommand, { RoleName: caller.role.name }).resolves(role);
    else iam.on(GetRoleCommand, { RoleName: caller.role.name }).rejectsOnce(denied).resolves(role);
  }
  iam.on(GetRoleCommand, { RoleName: 'Forensics' }).resolves({
    Role: {
      RoleName: 'Forensics',
      Arn: roleArn('Forensics', '/incident/'),
      Path: '/incident/',
      RoleId: 'R',
      CreateDate: new Date(),
    },
  });
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetBucketPolicyCommand).rejects(
    new S3ServiceException({
      name: 'NoSuchBucketPolicy',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: 'none',
    }),
  );
  s3.on(PutBucketPolicyCommand).resolves({});
  org.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-1', MasterAccountId: '999999999999', FeatureSet: 'ALL' },
  });
  org.on(ListRootsCommand).resolves({
    Roots: [{ Id: 'r-ab12', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }],
  });
  org.on(DescribeAccountCommand).resolves({ Account: { Id: ACCOUNT } });
  org.on(ListPoliciesCommand).resolves({ Policies: [] });
  org.on(CreatePolicyCommand).resolves({ Policy: { PolicySummary: { Id: 'p-drp' } } });
  org.on(AttachPolicyCommand).resolves({});
  ddb.on(DescribeTableCommand).resolves({ Table: { TableName: 'customer-profiles', TableArn: TABLE_ARN } });
  ddb.on(GetResourcePolicyCommand).rejects(new PolicyNotFoundException({ message: 'none', $metadata: {} }));
  ddb.on(PutResourcePolicyCommand).resolves({ RevisionId: '1' });
}

async function session(roles: string[] = [], exemptPrincipals: string[] = [], batchRole?: string) {
  return openSession(
    RUNBOOK,
    [
      { name: 'bucket', value: 'media-prod', flag: '--bucket' },
      ...roles.map((value) => ({ name: 'roles', value, flag: '--role' })),
      ...(batchRole ? [{ name: 'batchRole', value: batchRole, flag: '--batch-role-arn' }] : []),
    ],
    {
      aws: { region: 'us-east-1' },
      incidentId: 'INC-LOCKOUT',
      exemptPrincipals,
      concurrency: 4,
      evidenceDir: '/nonexistent',
      writable: true,
      log: silentLogger,
      progress: silentProgress,
    },
  );
}

/** Plans and applies one step of the session as the executor does; returns what plan threw, if anything. */
async function run(s: Awaited<ReturnType<typeof session>>, id: string) {
  const step = s.steps.find((x) => x.id === id)!;
  const plan = await step.definition.plan(s.contextFor(step, 'plan'), step.params);
  return step.definition.apply(s.contextFor(step, 'apply'), step.params, plan);
}

describe.each(Object.entries(CALLERS))('no lockout: the caller is %s', (_, caller) => {
  beforeEach(() => {
    for (const client of [sts, iam, s3, org, ddb]) client.reset();
    mockAccount(caller);
  });

  it('the bucket policy deny, the SCP, the table deny and the MFA deny (drp harden) exempt the principal AWS evaluates for it, and deny anyone else', async () => {
    const s = await session();
    await run(s, 'deny');
    await run(s, 'scp');
    await run(s, 'table');
    await run(s, 'mfa');
    const [policy, mfaPolicy] = s3
      .commandCalls(PutBucketPolicyCommand)
      .map((c) => JSON.parse(c.args[0].input.Policy!) as { Statement: Statement[] });
    const scp = JSON.parse(org.commandCalls(CreatePolicyCommand)[0]!.args[0].input.Content!) as {
      Statement: Statement[];
    };
    const table = JSON.parse(ddb.commandCalls(PutResourcePolicyCommand)[0]!.args[0].input.Policy!) as {
      Statement: Statement[];
    };
    const denials = [
      ...policy!.Statement,
      ...scp.Statement,
      ...table.Statement,
      ...mfaPolicy!.Statement,
    ].filter((st) => st.Effect === 'Deny');
    expect(denials.length).toBeGreaterThanOrEqual(4);
    for (const statement of denials) {
      expect(denies(statement, caller.principalArn), JSON.stringify(statement)).toBe(false);
      expect(denies(statement, STRANGER)).toBe(true);
    }
  });

  it.runIf(caller.role)('revoking the sessions of its own role is refused before any change', async () => {
    const s = await session([caller.role!.name]);
    await expect(run(s, 'revoke')).rejects.toThrow(
      /refusing to revoke the sessions of role .*it is the role drp runs as/,
    );
  });

  it('revoking the sessions of a role an --exempt-principal pattern covers is refused, naming the pattern', async () => {
    const s = await session(['Forensics'], [`arn:aws:iam::${ACCOUNT}:role/incident/*`]);
    await expect(run(s, 'revoke')).rejects.toThrow(
      /it is an exempt principal \(--exempt-principal arn:aws:iam::123456789012:role\/incident\/\*\)/,
    );
  });
});

describe('no lockout of the roles AWS services assume for drp', () => {
  const BATCH_ROLE = `arn:aws:iam::${ACCOUNT}:role/ops/drp-batch-legal-hold`;
  beforeEach(() => {
    for (const client of [sts, iam, s3, org]) client.reset();
    mockAccount(CALLERS['an IAM user with a path']!);
  });

  async function denials(batchRole?: string) {
    const s = await session([], [], batchRole);
    await run(s, 'deny');
    await run(s, 'scp');
    const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!) as {
      Statement: Statement[];
    };
    const scp = JSON.parse(org.commandCalls(CreatePolicyCommand)[0]!.args[0].input.Content!) as {
      Statement: Statement[];
    };
    return [...policy.Statement, ...scp.Statement].filter((st) => st.Effect === 'Deny');
  }

  it("the bucket policy deny and the SCP exempt S3 Batch Operations' role (batchRoleArn), so its legal-hold tasks are not denied", async () => {
    const statements = await denials(BATCH_ROLE);
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const statement of statements) {
      expect(denies(statement, BATCH_ROLE), JSON.stringify(statement)).toBe(false);
      expect(denies(statement, STRANGER)).toBe(true);
    }
  });

  it('exempts no such role when the run names none', async () => {
    for (const statement of await denials()) expect(denies(statement, BATCH_ROLE)).toBe(true);
  });
});

describe('the deny evaluator of this test', () => {
  it('reads ArnNotLike as IAM does: * matches across / in the resource, each ARN part apart', () => {
    expect(
      arnLike('arn:aws:iam::123456789012:role/*/Responder', 'arn:aws:iam::123456789012:role/a/b/Responder'),
    ).toBe(true);
    expect(
      arnLike('arn:aws:iam::123456789012:role/*/Responder', 'arn:aws:iam::123456789012:role/Responder'),
    ).toBe(false);
    expect(arnLike('arn:aws:iam::*:role/R', 'arn:aws:iam::123456789012:role/R')).toBe(true);
    expect(arnLike('arn:aws:iam::123456789012:role/R', 'arn:aws:iam::123456789012:role/r')).toBe(false);
    const st = {
      Effect: 'Deny',
      Principal: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::1:user/a'] } },
    };
    expect(denies(st, 'arn:aws:iam::1:user/a')).toBe(false);
    expect(denies(st, 'arn:aws:iam::1:user/b')).toBe(true);
  });

  it('reads BoolIfExists as IAM does for a long-term key: the absent MFA key matches, so only the ARN exemption spares', () => {
    const mfa = (value: string) => ({
      Effect: 'Deny',
      Principal: '*',
      Condition: {
        BoolIfExists: { 'aws:MultiFactorAuthPresent': value, 'aws:PrincipalIsAWSService': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::1:user/a'] },
      },
    });
    expect(denies(mfa('false'), 'arn:aws:iam::1:user/b')).toBe(true);
    expect(denies(mfa('true'), 'arn:aws:iam::1:user/b')).toBe(true);
    expect(denies(mfa('false'), 'arn:aws:iam::1:user/a')).toBe(false);
  });
});
