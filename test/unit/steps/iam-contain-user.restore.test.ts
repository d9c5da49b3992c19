import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  NoSuchEntityException,
  UpdateLoginProfileCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { type ContainedUser, type Observed } from '../../../src/steps/iam-contain-user.js';
import { scratch } from '../../support/drp.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const restore = step.restore!;
const ARN = 'arn:aws:iam::123456789012:user/alice';
const DENY_ALL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DrpDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
});
const missing = () => new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message: 'none' });

const ALICE: ContainedUser = {
  user: 'alice',
  arn: ARN,
  policyName: 'drp-contain-INC-TEST-1',
  deny: 'inline',
  inlineChars: 0,
  inlinePolicies: [],
  attachedPolicies: [],
  loginProfile: { passwordResetRequired: false },
  credentials: [
    { kind: 'ssh-public-key', id: 'APKASSH1', status: 'Active' },
    { kind: 'signing-certificate', id: 'CERT1', status: 'Active' },
    { kind: 'signing-certificate', id: 'CERT0', status: 'Inactive' },
  ],
  serviceCredentialsChecked: true,
  mfaDevices: [],
};
const APPLIED = {
  users: [
    {
      user: 'alice',
      deny: 'inline',
      consoleLocked: true,
      deactivated: ['ssh-public-key:APKASSH1', 'signing-certificate:CERT1'],
    },
  ],
};
const recorded = (u: ContainedUser = ALICE, data: unknown = APPLIED) =>
  recordedOf(
    { users: ['alice'], keepConsole: false, allowSelf: false },
    { users: [u], keepConsole: false } as Observed,
    { data },
  );

function live() {
  iam.on(GetUserCommand).resolves({ User: { UserName: 'alice', Arn: ARN } as never });
  iam.on(GetUserPolicyCommand).resolves({ PolicyDocument: encodeURIComponent(DENY_ALL) });
  iam.on(GetLoginProfileCommand).resolves({ LoginProfile: { UserName: 'alice', CreateDate: new Date() } });
  iam.on(ListSSHPublicKeysCommand).resolves({
    SSHPublicKeys: [
      { UserName: 'alice', SSHPublicKeyId: 'APKASSH1', Status: 'Inactive', UploadDate: new Date() },
    ],
  });
  iam.on(ListSigningCertificatesCommand).resolves({
    Certificates: [
      { UserName: 'alice', CertificateId: 'CERT1', Status: 'Inactive', CertificateBody: '' },
      { UserName: 'alice', CertificateId: 'CERT0', Status: 'Inactive', CertificateBody: '' },
    ],
  });
}

describe('iam-contain-user restore', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(GetAccountPasswordPolicyCommand).rejects(missing());
    for (const C of [
      DeleteUserPolicyCommand,
      DetachUserPolicyCommand,
      UpdateLoginProfileCommand,
      UpdateSSHPublicKeyCommand,
      UpdateSigningCertificateCommand,
    ])
      iam.on(C as never).resolves({} as never);
    live();
  });

  it('by default: removes only drp’s deny, gives a new console password to a 0600 file, and keeps credentials Inactive', async () => {
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    expect(plan.changes.map((c) => c.action)).toEqual(['reset-console-password', 'delete-user-policy']);
    expect(plan.kept).toEqual([
      expect.stringMatching(
        /^SSH public key APKASSH1 of user alice stays Inactive: .*--reactivate-keys reactivates it$/,
      ),
      expect.stringMatching(/^signing certificate CERT1 of user alice stays Inactive/),
    ]);
    expect(plan.drift).toEqual([]);
    expect(iam).toHaveReceivedCommandTimes(UpdateLoginProfileCommand, 0);

    const evidenceDir = scratch();
    const { ctx } = testContext({ settings: { concurrency: 1, evidenceDir, evidenceBucket: 'b' } });
    const applied = await restore.apply(ctx, recorded(), plan);
    // The deny comes off last: a failure before it leaves the user contained.
    const order = iam
      .calls()
      .map((c) => c.args[0].constructor.name)
      .filter((n) => /^(Update|Delete|Detach)/.test(n));
    expect(order).toEqual(['UpdateLoginProfileCommand', 'DeleteUserPolicyCommand']);
    expect(iam).toHaveReceivedCommandWith(DeleteUserPolicyCommand, {
      UserName: 'alice',
      PolicyName: 'drp-contain-INC-TEST-1',
    });
    const sent = iam.commandCalls(UpdateLoginProfileCommand)[0]!.args[0].input;
    expect(sent.PasswordResetRequired).toBe(true);
    const file = join(evidenceDir, 'secrets', 'alice-console-password.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      LoginProfile: { UserName: 'alice', Password: sent.Password, PasswordResetRequired: true },
      incidentId: 'INC-TEST-1',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(applied)).not.toContain(sent.Password);
    expect(applied.data).toEqual({
      consolePasswords: [{ user: 'alice', file: 'secrets/alice-console-password.json' }],
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateSSHPublicKeyCommand, 0);
  });

  it('with --reactivate-keys reactivates exactly the credentials drp set Inactive (not one that was Inactive before)', async () => {
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), {
      ...DEFAULTS,
      reactivateKeys: true,
    });
    expect(plan.changes.map((c) => c.action)).toEqual([
      'reactivate-ssh-public-key',
      'reactivate-signing-certificate',
      'reset-console-password',
      'delete-user-policy',
    ]);
    await restore.apply(
      testContext({ settings: { concurrency: 1, evidenceDir: scratch(), evidenceBucket: 'b' } }).ctx,
      recorded(),
      plan,
    );
    expect(iam).toHaveReceivedCommandWith(UpdateSSHPublicKeyCommand, {
      UserName: 'alice',
      SSHPublicKeyId: 'APKASSH1',
      Status: 'Active',
    });
    expect(iam).toHaveReceivedCommandWith(UpdateSigningCertificateCommand, {
      UserName: 'alice',
      CertificateId: 'CERT1',
      Status: 'Active',
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateSigningCertificateCommand, 1);
  });

  it('detaches AWSDenyAll only when drp attached it, and warns of drift when its inline deny was edited', async () => {
    const managed = { ...ALICE, deny: 'managed' as const };
    iam.on(ListAttachedUserPoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AWSDenyAll', PolicyName: 'AWSDenyAll' }],
    });
    const data = { users: [{ user: 'alice', deny: 'managed', consoleLocked: false, deactivated: [] }] };
    const plan = await restore.plan(
      testContext({ aws: testPorts(true) }).ctx,
      recorded(managed, data),
      DEFAULTS,
    );
    expect(plan.changes).toEqual([
      {
        action: 'detach-user-policy',
        target: ARN,
        detail: 'arn:aws:iam::aws:policy/AWSDenyAll (drp attached it; it was not attached before)',
      },
    ]);
    // A deny that was already there before the run ('already') is never taken off.
    const before = { users: [{ user: 'alice', consoleLocked: false, deactivated: [] }] };
    const untouched = await restore.plan(
      testContext({ aws: testPorts(true) }).ctx,
      recorded({ ...ALICE, deny: 'already' }, before),
      DEFAULTS,
    );
    expect(untouched.changes).toEqual([]);

    iam
      .on(GetUserPolicyCommand)
      .resolves({ PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' });
    const edited = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    expect(edited.drift).toEqual([
      'user alice: drp-contain-INC-TEST-1 is not the deny-all drp wrote (edited since)',
    ]);
  });
});
