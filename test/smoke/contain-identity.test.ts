import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CreateLoginProfileCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  UploadSigningCertificateCommand,
  UploadSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedOrganization, seedUserWithKeys } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const ACCOUNT = '123456789012';
const user = 'leaked-uploader';
const OUTSIDE = '999988887777';

/** A self-signed X.509 certificate, as an attacker would upload (moto checks that it parses). */
function certificatePem(): string {
  const dir = scratch();
  return execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-subj',
      `/CN=${user}`,
      '-days',
      '1',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

/** What the user can authenticate with, as the emulator holds it. */
async function credentials() {
  const [keys, ssh, certs, profile, policies] = await Promise.all([
    iam.send(new ListAccessKeysCommand({ UserName: user })).then((o) => o.AccessKeyMetadata ?? []),
    iam.send(new ListSSHPublicKeysCommand({ UserName: user })).then((o) => o.SSHPublicKeys ?? []),
    iam.send(new ListSigningCertificatesCommand({ UserName: user })).then((o) => o.Certificates ?? []),
    iam.send(new GetLoginProfileCommand({ UserName: user })).then((o) => o.LoginProfile),
    iam.send(new ListUserPoliciesCommand({ UserName: user })).then((o) => o.PolicyNames ?? []),
  ]);
  return {
    keys: keys.map((k) => k.Status),
    ssh: ssh.map((k) => k.Status),
    certs: certs.map((c) => c.Status),
    passwordResetRequired: profile?.PasswordResetRequired,
    policies,
  };
}

const contain = (incident: string, bucket: string, evidence: string, ...extra: string[]) =>
  runDrp(
    ['--incident', incident, 'contain', '--bucket', bucket, ...extra, '--yes', '--evidence-dir', evidence],
    {
      endpoint,
    },
  );

// The SCP step of drp contain needs an organization with SCPs enabled.
beforeAll(async () => {
  await seedOrganization(organizations);
});

describe('drp contain --user: every credential of the user, then drp restore', () => {
  const evidence = join(scratch(), 'ev');
  const journal = join(evidence, 'journal.jsonl');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'identity-media' }));
    await seedUserWithKeys(iam, user);
    await iam.send(
      new CreateLoginProfileCommand({
        UserName: user,
        Password: 'Leaked-Passw0rd!',
        PasswordResetRequired: false,
      }),
    );
    await iam.send(
      new UploadSSHPublicKeyCommand({
        UserName: user,
        SSHPublicKeyBody:
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkGv6v1wYqT1q1rSkJzLQhZl0i9s3xKp8f2xXkq2m4N attacker',
      }),
    );
    await iam.send(
      new UploadSigningCertificateCommand({ UserName: user, CertificateBody: certificatePem() }),
    );
  });

  it('deactivates both keys, the SSH key and the certificate, locks the console password and adds the deny-all', async () => {
    expect(await credentials()).toEqual({
      keys: ['Active', 'Active'],
      ssh: ['Active'],
      certs: ['Active'],
      passwordResetRequired: false,
      policies: [],
    });
    const out = await contain('INC-ID-1', 'identity-media', evidence, '--user', user);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/contain-users\s+applied/);
    // moto has no service-specific credentials: said, not failed.
    expect(out.stdout).toMatch(
      /service-specific credentials .* not checked: this endpoint has no IAM ListServiceSpecificCredentials/,
    );
    expect(await credentials()).toEqual({
      keys: ['Inactive', 'Inactive'],
      ssh: ['Inactive'],
      certs: ['Inactive'],
      // The login profile is kept (never deleted) with a password nobody was told.
      passwordResetRequired: true,
      policies: ['drp-contain-INC-ID-1'],
    });
    const { PolicyDocument } = await iam.send(
      new GetUserPolicyCommand({ UserName: user, PolicyName: 'drp-contain-INC-ID-1' }),
    );
    const text = PolicyDocument!.startsWith('{') ? PolicyDocument! : decodeURIComponent(PolicyDocument!);
    expect(JSON.parse(text)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DrpDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
    });
    expect(readFileSync(journal, 'utf8')).not.toContain('Leaked-Passw0rd!');
  });

  it('restore takes the deny off, gives a new password only to a 0600 file, and keeps credentials Inactive', async () => {
    const dir = join(evidence, 'restore-1');
    const out = await runDrp(['restore', journal, '--yes', '--evidence-dir', dir], { endpoint });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/SSH public key \S+ of user leaked-uploader stays Inactive/);
    const after = await credentials();
    expect(after).toEqual({
      keys: ['Inactive', 'Inactive'],
      ssh: ['Inactive'],
      certs: ['Inactive'],
      passwordResetRequired: true,
      policies: [],
    });
    const file = join(dir, 'secrets', `${user}-console-password.json`);
    const secret = JSON.parse(readFileSync(file, 'utf8')) as {
      LoginProfile: { Password: string; PasswordResetRequired: boolean };
    };
    expect(secret.LoginProfile.PasswordResetRequired).toBe(true);
    expect(secret.LoginProfile.Password).toHaveLength(64);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out.stdout + out.stderr).not.toContain(secret.LoginProfile.Password);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).not.toContain(secret.LoginProfile.Password);
  });

  it('restore --reactivate-keys reactivates the SSH key and the certificate drp set Inactive', async () => {
    const out = await runDrp(
      ['restore', journal, '--yes', '--reactivate-keys', '--evidence-dir', join(evidence, 'restore-2')],
      {
        endpoint,
      },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const after = await credentials();
    expect(after.ssh).toEqual(['Active']);
    expect(after.certs).toEqual(['Active']);
    expect(after.keys).toEqual(['Active', 'Active']);
  });
});

describe('drp restore of a bucket policy with a grant to another account', () => {
  const READER = {
    Sid: 'Reader',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::BUCKET/*',
  };
  const VENDOR = {
    Sid: 'Vendor',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${OUTSIDE}:root` },
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: 'arn:aws:s3:::BUCKET/*',
  };
  const policyOf = (bucket: string, ...statements: object[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements }).replaceAll('BUCKET', bucket);
  const seed = async (bucket: string) => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyOf(bucket, READER, VENDOR) }));
  };
  const live = async (bucket: string) =>
    (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;

  it('comes back without the outside grant, named in the plan and the journal', async () => {
    await seed('grant-media');
    const evidence = join(scratch(), 'ev');
    expect((await contain('INC-GRANT-1', 'grant-media', evidence)).code).toBe(0);
    const dry = await runDrp(['restore', join(evidence, 'journal.jsonl'), '--dry-run'], { endpoint });
    expect(dry.stdout).toMatch(
      /the original policy without 1 statement granting access outside the organization \(Sid Vendor\)/,
    );
    expect(dry.stdout).toMatch(
      new RegExp(
        `Sid Vendor \\(grants to arn:aws:iam::${OUTSIDE}:root: account ${OUTSIDE} is outside organization o-`,
      ),
    );
    const out = await runDrp(
      ['restore', join(evidence, 'journal.jsonl'), '--yes', '--evidence-dir', join(evidence, 'r')],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(JSON.parse((await live('grant-media'))!)).toEqual(JSON.parse(policyOf('grant-media', READER)));
    // The journal keeps what was left out, text and all.
    const entries = verifyJournal(readFileSync(join(evidence, 'r', 'journal.jsonl'))).entries;
    const vendor = (JSON.parse(policyOf('grant-media', VENDOR)) as { Statement: object[] }).Statement[0];
    expect(entries.find((e) => e.type === 'restore' && e.stepId === 'deny-policy')).toMatchObject({
      outcome: 'applied',
      data: { leftOut: [{ sid: 'Vendor', statement: vendor }] },
    });
  });

  it('with --keep-external-grants comes back exactly as it was, grant included', async () => {
    await seed('grant-media-2');
    const original = await live('grant-media-2');
    const evidence = join(scratch(), 'ev');
    expect((await contain('INC-GRANT-2', 'grant-media-2', evidence)).code).toBe(0);
    expect(await live('grant-media-2')).not.toBe(original);
    const out = await runDrp(
      [
        'restore',
        join(evidence, 'journal.jsonl'),
        '--yes',
        '--keep-external-grants',
        '--evidence-dir',
        join(evidence, 'r'),
      ],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await live('grant-media-2')).toBe(original);
  });
});
