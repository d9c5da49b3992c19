import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListAccessKeysCommand, ListRolePoliciesCommand, ListUserPoliciesCommand } from '@aws-sdk/client-iam';
import { ListPoliciesCommand, ListPoliciesForTargetCommand } from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedLambdaRole, seedOrganization, seedUserWithKeys } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const ACCOUNT = '123456789012';
const bucket = 'leaked-media';
const user = 'media-uploader';
const role = 'media-pipeline';
const incident = 'INC-RESTORE-1';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'MediaReader',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/MediaReader` },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
    },
  ],
});
const PARTIAL_BPA = {
  BlockPublicAcls: true,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: true,
};

// The emulator's caller is the management account, which SCPs never restrict: the SCP goes on the root.
let rootId = '';

/** Everything the containment changes and a restore must put back (or deliberately keep). */
async function state() {
  const [policy, bpa, keys, rolePolicies, attached, scps, versions, retention, userPolicies] =
    await Promise.all([
      s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).then((o) => o.Policy),
      s3
        .send(new GetPublicAccessBlockCommand({ Bucket: bucket }))
        .then((o) => o.PublicAccessBlockConfiguration),
      iam.send(new ListAccessKeysCommand({ UserName: user })).then((o) => o.AccessKeyMetadata ?? []),
      iam.send(new ListRolePoliciesCommand({ RoleName: role })).then((o) => o.PolicyNames ?? []),
      organizations
        .send(new ListPoliciesForTargetCommand({ TargetId: rootId, Filter: 'SERVICE_CONTROL_POLICY' }))
        .then((o) => (o.Policies ?? []).map((p) => p.Name).sort()),
      organizations
        .send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }))
        .then((o) => (o.Policies ?? []).map((p) => p.Name).sort()),
      s3.send(new ListObjectVersionsCommand({ Bucket: bucket })).then((o) => o.Versions ?? []),
      s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).then(
        (o) => o.ObjectLockConfiguration?.Rule?.DefaultRetention,
        () => undefined,
      ),
      iam.send(new ListUserPoliciesCommand({ UserName: user })).then((o) => o.PolicyNames ?? []),
    ]);
  const holds = await Promise.all(
    versions.map((v) =>
      s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId })).then(
        (o) => o.LegalHold?.Status ?? 'none',
        () => 'none',
      ),
    ),
  );
  const lock = retention && { mode: retention.Mode, days: retention.Days };
  return {
    policy,
    bpa,
    keys: keys.map((k) => k.Status),
    rolePolicies,
    userPolicies,
    attached,
    scps,
    holds,
    lock,
  };
}

const restoreDirs = (dir: string) => readdirSync(dir).filter((d) => d.startsWith('restore-'));

describe('drp restore: contain, then put everything back', () => {
  const evidence = join(scratch(), 'ev');
  const journal = join(evidence, 'journal.jsonl');
  let seeded: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (let i = 0; i < 5; i++)
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `clips/${i}.mp4`, Body: `clip ${i}` }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: POLICY }));
    await s3.send(
      new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: PARTIAL_BPA }),
    );
    await seedUserWithKeys(iam, user);
    await seedLambdaRole(iam, role, '/media/');
    rootId = await seedOrganization(organizations);
    seeded = await state();
    const out = await runDrp(
      ['--incident', incident, 'contain', '--bucket', bucket, '--user', user, '--role', role].concat([
        '--scp-target',
        rootId,
        '--yes',
        '--evidence-dir',
        evidence,
      ]),
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
  });

  it('contain changed what the restore must undo', async () => {
    const contained = await state();
    expect(contained.policy).not.toBe(seeded.policy);
    expect(contained.bpa).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(contained.rolePolicies).toEqual([`drp-revoke-${incident}`]);
    expect(contained.userPolicies).toEqual([`drp-contain-${incident}`]);
    expect(contained.attached).toContain(`drp-${incident}`);
    expect(contained.keys).toEqual(['Inactive', 'Inactive']);
    expect(contained.holds.every((h) => h === 'ON')).toBe(true);
    expect(contained.lock).toEqual({ mode: 'GOVERNANCE', days: 30 });
  });

  it('--dry-run plans the restore and changes nothing', async () => {
    const before = await state();
    const out = await runDrp(['restore', journal, '--dry-run'], { endpoint });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/< put-bucket-policy s3:\/\/leaked-media: the original policy text/);
    expect(out.stdout).toMatch(/< delete-scp SCP drp-INC-RESTORE-1/);
    expect(out.stdout).toMatch(/Dry-run: nothing was changed/);
    expect(await state()).toEqual(before);
  });

  it('--yes puts back the policy, Block Public Access, SCP, role and user policies and default retention; keys stay Inactive, holds stay ON', async () => {
    const out = await runDrp(['restore', journal, '--yes', '--evidence-dir', join(evidence, 'restore-1')], {
      endpoint,
    });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const restored = await state();
    expect(restored.policy).toBe(seeded.policy);
    expect(restored.bpa).toEqual(PARTIAL_BPA);
    expect(restored.rolePolicies).toEqual([]);
    expect(restored.userPolicies).toEqual([]);
    expect(restored.attached).toEqual(seeded.attached);
    expect(restored.scps).toEqual(seeded.scps);
    expect(restored.keys).toEqual(['Inactive', 'Inactive']);
    expect(restored.holds).toHaveLength(5);
    expect(restored.holds.every((h) => h === 'ON')).toBe(true);
    // The default retention drp added is gone (later uploads are not locked); Object Lock stays on.
    expect(restored.lock).toBeUndefined();

    expect(out.stdout).toMatch(/Restored: every action succeeded/);
    expect(out.stdout).toMatch(/stays Inactive/);
    expect(out.stdout).toMatch(/legal holds drp placed on s3:\/\/leaked-media stay ON/);
    expect(out.stdout).toMatch(/Object Lock stays enabled/);
    expect(out.stdout).toMatch(/snapshot-config \(s3-snapshot-config\): nothing to restore/);

    const restoreJournal = join(evidence, 'restore-1', 'journal.jsonl');
    const report = await runDrp(['report', restoreJournal]);
    // Reverse order, but Block Public Access goes back before the bucket policy.
    expect(report.stdout).toMatch(
      /\| \d \| `block-public-access` \| `s3-block-public-access` \| \*\*applied\*\* \|/,
    );
    expect(report.stdout).toMatch(/\| \d \| `deny-policy` \| `s3-deny-policy` \| \*\*applied\*\* \|/);
    const verified = await runDrp(['verify', restoreJournal]);
    expect(verified.code, verified.stdout).toBe(0);
    const entries = verifyJournal(readFileSync(restoreJournal)).entries;
    const run = verifyJournal(readFileSync(journal));
    expect(entries[0]).toMatchObject({
      command: 'restore',
      restoreOf: { journalId: run.head!.journalId, head: run.head!.prev, sealed: true },
    });
    expect(
      entries.filter((e) => e.type === 'restore' && e.outcome === 'applied').map((e) => e.stepId),
    ).toEqual([
      'object-lock',
      'contain-users',
      'scp-deny',
      'block-public-access',
      'deny-policy',
      'revoke-role-sessions',
    ]);
  });

  it('a second restore finds nothing to put back, in a restore dir of its own beside the run', async () => {
    const before = restoreDirs(evidence);
    const out = await runDrp(['restore', journal, '--yes'], { endpoint });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    for (const step of [
      'object-lock',
      'contain-users',
      'scp-deny',
      'deny-policy',
      'revoke-role-sessions',
      'block-public-access',
    ])
      expect(out.stdout).toMatch(new RegExp(`${step}\\s+nothing-to-do`));
    const added = restoreDirs(evidence).filter((d) => !before.includes(d));
    expect(added).toEqual([expect.stringMatching(/^restore-\d{8}T\d{6}Z$/)]);
    expect(out.stdout).toContain(`restore journal: ${join(evidence, added[0]!, 'journal.jsonl')}`);
  });
});
