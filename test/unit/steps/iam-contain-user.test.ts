import {
  AttachUserPolicyCommand,
  DeleteLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedUserPoliciesCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  UpdateLoginProfileCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/iam-contain-user.js';
import { deniesRequest } from '../safety/deny-evaluator.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const ARN = (u: string) => `arn:aws:iam::123456789012:user/${u}`;
const uploaded = new Date('2026-11-20T10:00:00.000Z');
const missing = (message = 'cannot be found') =>
  new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message });
const params = { users: ['alice'], keepConsole: false, allowSelf: false };
const DENY_ALL = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'DrpDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
};

/** A user with a console password, an SSH key, a certificate, a CodeCommit credential and an MFA device. */
function alice(over: { inline?: Record<string, string>; attached?: string[] } = {}) {
  iam.on(GetUserCommand, { UserName: 'alice' }).resolves({
    User: {
      UserName: 'alice',
      Arn: ARN('alice'),
      PasswordLastUsed: new Date('2026-11-24T22:15:00.000Z'),
    } as never,
  });
  const inline = over.inline ?? {};
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: Object.keys(inline) });
  for (const [name, text] of Object.entries(inline))
    iam.on(GetUserPolicyCommand, { PolicyName: name }).resolves({ PolicyDocument: encodeURIComponent(text) });
  iam.on(ListAttachedUserPoliciesCommand).resolves({
    AttachedPolicies: (over.attached ?? []).map((PolicyArn) => ({
      PolicyArn,
      PolicyName: PolicyArn.split('/').pop(),
    })),
  });
  iam.on(GetLoginProfileCommand).resolves({
    LoginProfile: { UserName: 'alice', CreateDate: uploaded, PasswordResetRequired: false },
  });
  iam.on(ListSSHPublicKeysCommand).resolves({
    SSHPublicKeys: [
      { UserName: 'alice', SSHPublicKeyId: 'APKASSH1', Status: 'Active', UploadDate: uploaded },
    ],
  });
  iam.on(ListSigningCertificatesCommand).resolves({
    Certificates: [
      {
        UserName: 'alice',
        CertificateId: 'CERT1',
        Status: 'Active',
        UploadDate: uploaded,
        CertificateBody: '',
      },
      {
        UserName: 'alice',
        CertificateId: 'CERT2',
        Status: 'Inactive',
        UploadDate: uploaded,
        CertificateBody: '',
      },
    ],
  });
  iam.on(ListServiceSpecificCredentialsCommand).resolves({
    ServiceSpecificCredentials: [
      {
        UserName: 'alice',
        ServiceSpecificCredentialId: 'ACCA1',
        ServiceName: 'codecommit.amazonaws.com',
        ServiceUserName: 'alice-at-123456789012',
        Status: 'Active',
        CreateDate: uploaded,
      },
    ],
  });
  iam.on(ListMFADevicesCommand).resolves({
    MFADevices: [
      { UserName: 'alice', SerialNumber: 'arn:aws:iam::123456789012:mfa/alice', EnableDate: uploaded },
    ],
  });
}

const planOf = (p = params) => step.plan(testContext({ aws: testPorts(true) }).ctx, p);

describe('iam-contain-user', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(GetUserCommand).rejects(missing());
    iam.on(GetUserPolicyCommand).rejects(missing());
    iam.on(GetAccountPasswordPolicyCommand).rejects(missing('The Password Policy cannot be found.'));
    for (const Command of [
      PutUserPolicyCommand,
      AttachUserPolicyCommand,
      UpdateLoginProfileCommand,
      UpdateSSHPublicKeyCommand,
      UpdateSigningCertificateCommand,
      UpdateServiceSpecificCredentialCommand,
    ])
      iam.on(Command as never).resolves({} as never);
  });

  it('plans the deny-all, the console lock and every active credential Inactive, records the rest, and sends no mutating command', async () => {
    alice();
    const plan = await planOf();
    expect(plan.changes).toEqual([
      {
        action: 'put-user-policy',
        target: ARN('alice'),
        detail:
          "drp-contain-INC-TEST-1: deny every action to the user's keys, console session and session tokens",
      },
      {
        action: 'lock-console-password',
        target: ARN('alice'),
        detail:
          'console password replaced by a random one nobody is told (the login profile is kept; AWS cannot give the old password back)',
      },
      {
        action: 'deactivate-ssh-public-key',
        target: ARN('alice'),
        detail: 'SSH public key APKASSH1: Active -> Inactive (kept, not deleted)',
      },
      {
        action: 'deactivate-signing-certificate',
        target: ARN('alice'),
        detail: 'signing certificate CERT1: Active -> Inactive (kept, not deleted)',
      },
      {
        action: 'deactivate-service-specific-credential',
        target: ARN('alice'),
        detail:
          'service-specific credential ACCA1 (codecommit.amazonaws.com, alice-at-123456789012): Active -> Inactive (kept, not deleted)',
      },
    ]);
    expect(plan.notes).toEqual([
      'user alice last signed in to the console at 2026-11-24T22:15:00.000Z',
      'user alice has MFA device arn:aws:iam::123456789012:mfa/alice: left as it is (recorded in the journal)',
    ]);
    expect(plan.observed.users[0]).toEqual(
      expect.objectContaining({
        deny: 'inline',
        inlineChars: 0,
        loginProfile: { createDate: uploaded.toISOString(), passwordResetRequired: false },
        mfaDevices: [
          { serialNumber: 'arn:aws:iam::123456789012:mfa/alice', enableDate: uploaded.toISOString() },
        ],
      }),
    );
    for (const Command of [
      PutUserPolicyCommand,
      UpdateLoginProfileCommand,
      UpdateSSHPublicKeyCommand,
      AttachUserPolicyCommand,
    ])
      expect(iam).toHaveReceivedCommandTimes(Command as never, 0);
  });

  it('applies: the deny first, then a console password nobody holds, then each credential Inactive; deletes nothing', async () => {
    alice();
    iam.on(GetAccountPasswordPolicyCommand).resolves({
      PasswordPolicy: {
        MinimumPasswordLength: 100,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
      },
    });
    iam.on(PutUserPolicyCommand).resolves({ $metadata: { requestId: 'R1' } });
    iam.on(UpdateLoginProfileCommand).resolves({ $metadata: { requestId: 'R2' } });
    const plan = await planOf();
    const applied = await step.apply(testContext().ctx, params, plan);

    const order = iam.calls().map((c) => c.args[0].constructor.name);
    const mutations = order.filter((n) => /^(Put|Update|Attach|Delete)/.test(n));
    expect(mutations).toEqual([
      'PutUserPolicyCommand',
      'UpdateLoginProfileCommand',
      'UpdateSSHPublicKeyCommand',
      'UpdateSigningCertificateCommand',
      'UpdateServiceSpecificCredentialCommand',
    ]);
    const put = iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input;
    expect(put).toEqual({
      UserName: 'alice',
      PolicyName: 'drp-contain-INC-TEST-1',
      PolicyDocument: JSON.stringify(DENY_ALL),
    });
    const login = iam.commandCalls(UpdateLoginProfileCommand)[0]!.args[0].input;
    expect(login.PasswordResetRequired).toBe(true);
    // The account's policy: 100 characters at least, each class present, only IAM's symbols.
    expect(login.Password).toHaveLength(100);
    for (const cls of [/[A-Z]/, /[a-z]/, /\d/, /[!@#$%^&*()_+\-=[\]{}|']/])
      expect(login.Password).toMatch(cls);
    expect(login.Password).toMatch(/^[A-Za-z0-9!@#$%^&*()_+\-=[\]{}|']+$/);
    expect(JSON.stringify(applied)).not.toContain(login.Password);
    expect(iam).toHaveReceivedCommandWith(UpdateSSHPublicKeyCommand, {
      UserName: 'alice',
      SSHPublicKeyId: 'APKASSH1',
      Status: 'Inactive',
    });
    expect(iam).toHaveReceivedCommandWith(UpdateSigningCertificateCommand, {
      UserName: 'alice',
      CertificateId: 'CERT1',
      Status: 'Inactive',
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateSigningCertificateCommand, 1);
    expect(iam).toHaveReceivedCommandWith(UpdateServiceSpecificCredentialCommand, {
      UserName: 'alice',
      ServiceSpecificCredentialId: 'ACCA1',
      Status: 'Inactive',
    });
    expect(iam).toHaveReceivedCommandTimes(DeleteLoginProfileCommand, 0);
    expect(applied).toEqual({
      changes: plan.changes,
      requestIds: ['R1', 'R2'],
      data: {
        users: [
          {
            user: 'alice',
            deny: 'inline',
            consoleLocked: true,
            deactivated: [
              'ssh-public-key:APKASSH1',
              'signing-certificate:CERT1',
              'service-specific-credential:ACCA1',
            ],
          },
        ],
      },
    });
  });

  it("denies a session token the user minted before containment: the deny-all is evaluated on the user's own policies", async () => {
    alice();
    await step.apply(testContext().ctx, params, await planOf());
    const document = JSON.parse(iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input.PolicyDocument!) as {
      Statement: Parameters<typeof deniesRequest>[0][];
    };
    // GetSessionToken credentials act as the user (aws:PrincipalArn is the user's ARN) with its
    // policies, evaluated on each request; GetFederationToken's carry the user's policies too.
    const sessionToken = { principalArn: ARN('alice'), tokenIssueTime: '2026-11-25T01:00:00Z' };
    const federated = {
      principalArn: 'arn:aws:sts::123456789012:federated-user/exfil',
      tokenIssueTime: '2026-11-24T09:00:00Z',
    };
    const accessKey = { principalArn: ARN('alice') };
    for (const request of [sessionToken, federated, accessKey])
      expect(document.Statement.some((s) => deniesRequest(s, request))).toBe(true);
  });

  it("attaches AWSDenyAll when the user's inline policies leave no room under IAM's 2,048 characters", async () => {
    // 2,000 characters of inline policy, whitespace not counted (IAM's rule).
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(1930)}` }],
    });
    alice({ inline: { legacy: big } });
    // What IAM answers a PutUserPolicy over the quota: drp must not send it.
    iam.on(PutUserPolicyCommand).rejects(
      new IAMServiceException({
        name: 'LimitExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 409 },
        message: 'Maximum policy size of 2048 bytes exceeded for user alice',
      }),
    );
    const plan = await planOf();
    expect(plan.changes[0]).toEqual({
      action: 'attach-user-policy',
      target: ARN('alice'),
      detail: `arn:aws:iam::aws:policy/AWSDenyAll: deny every action (the user's inline policies hold ${big.replace(/\s/g, '').length} of IAM's 2048 characters: no room for drp-contain-INC-TEST-1)`,
    });
    await step.apply(testContext().ctx, params, plan);
    expect(iam).toHaveReceivedCommandTimes(PutUserPolicyCommand, 0);
    expect(iam).toHaveReceivedCommandWith(AttachUserPolicyCommand, {
      UserName: 'alice',
      PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
    });
  });

  it('has no deny to add when drp already put it, and --keep-console leaves the password', async () => {
    alice({ inline: { 'drp-contain-INC-TEST-1': JSON.stringify(DENY_ALL) } });
    const plan = await planOf({ ...params, keepConsole: true });
    expect(plan.changes.map((c) => c.action)).toEqual([
      'deactivate-ssh-public-key',
      'deactivate-signing-certificate',
      'deactivate-service-specific-credential',
    ]);
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        "user alice already has drp's deny-all (drp-contain-INC-TEST-1 or arn:aws:iam::aws:policy/AWSDenyAll): not added again",
        'user alice: console password kept (--keep-console); the deny-all still refuses every action of a console session',
      ]),
    );
  });

  it('notes service-specific credentials it could not check where the endpoint lacks them (moto), and goes on', async () => {
    alice();
    iam.on(ListServiceSpecificCredentialsCommand).rejects(
      new IAMServiceException({
        name: 'InvalidAction',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The action ListServiceSpecificCredentials is not valid for this web service.',
      }),
    );
    const plan = await planOf();
    expect(plan.changes.map((c) => c.action)).not.toContain('deactivate-service-specific-credential');
    expect(plan.notes).toContain(
      'user alice: service-specific credentials (CodeCommit, Keyspaces, Bedrock API keys) not checked: this endpoint has no IAM ListServiceSpecificCredentials',
    );
  });

  it('refuses the user drp runs as, and an exempt principal, before any change (exit 2)', async () => {
    alice();
    const self = testContext({ aws: testPorts(true) }).ctx;
    const asAlice = {
      ...self,
      caller: { arn: ARN('alice'), accountId: '123456789012', principalArn: ARN('alice') },
    };
    await expect(step.plan(asAlice, params)).rejects.toThrow(
      /refusing to contain IAM user "alice": it is the identity drp runs as/,
    );
    const exempt = {
      ...self,
      exemptPrincipals: [...self.exemptPrincipals, 'arn:aws:iam::123456789012:user/al*'],
    };
    await expect(step.plan(exempt, params)).rejects.toBeInstanceOf(UserError);
    await expect(step.plan(exempt, { ...params, allowSelf: true })).resolves.toBeDefined();
  });

  it('a user that does not exist is a user error naming it; no users is nothing to do, with no AWS call', async () => {
    await expect(planOf({ ...params, users: ['ghost'] })).rejects.toThrow(
      'IAM user "ghost" not found in account 123456789012 (--user / param users)',
    );
    iam.resetHistory();
    const none = await planOf({ ...params, users: [] });
    expect(none.changes).toEqual([]);
    expect(iam.calls()).toHaveLength(0);
  });

  it('a failure part-way is a StepFailure with what was done: the deny in place, the console not locked', async () => {
    alice();
    iam.on(UpdateLoginProfileCommand).rejects(
      new IAMServiceException({
        name: 'EntityTemporarilyUnmodifiable',
        $fault: 'client',
        $metadata: { httpStatusCode: 409 },
        message: 'Login Profile for User alice cannot be modified while login profile is being created.',
      }),
    );
    const plan = await planOf();
    const failure = (await step
      .apply(testContext().ctx, params, plan)
      .catch((e: unknown) => e)) as StepFailure;
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure.partial.changes).toEqual([plan.changes[0]]);
    expect(failure.partial.data).toEqual({
      users: [{ user: 'alice', deny: 'inline', consoleLocked: false, deactivated: [] }],
    });
  });
});
