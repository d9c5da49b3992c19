import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ListPoliciesForTargetCommand } from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { clientsIn, memberAccount, responderRole } from '../support/accounts.js';
import { emulatorClients, seedOrganization, seedUserWithKeys } from '../support/aws.js';
import { drpEnv, runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const caller = emulatorClients(endpoint);
const MANAGEMENT = '123456789012';
const bucket = 'acme-product-media';
const logBucket = 'acme-org-cloudtrail';
const user = 'vendor-uploader';
const incident = 'INC-ORG-1';
// One responder's machine: the same signing key for the run, its resume and its restore.
const env = drpEnv();

const entries = (dir: string): Entry[] => verifyJournal(readFileSync(join(dir, 'journal.jsonl'))).entries;
const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '/');
const stamp = (d: Date) =>
  `${d.toISOString().slice(0, 13).replace(/-/g, '')}${d.toISOString().slice(14, 16)}Z`;

describe('one incident across four accounts: workload, management, log archive, forensics', () => {
  const roles = { target: '', org: '', logs: '', evidence: '' };
  let workload: Awaited<ReturnType<typeof clientsIn>>;
  let forensics: Awaited<ReturnType<typeof clientsIn>>;
  const inWindow: string[] = [];
  let dir: string;
  let config: string;

  beforeAll(async () => {
    // The organization lives in the caller's account (the management account), as moto's default.
    await seedOrganization(caller.organizations);
    workload = await clientsIn(endpoint, await memberAccount(caller.organizations, 'workload'));
    const archive = await clientsIn(endpoint, await memberAccount(caller.organizations, 'log-archive'));
    forensics = await clientsIn(endpoint, await memberAccount(caller.organizations, 'forensics'));
    roles.target = await responderRole(workload.iam, 'drp-target', MANAGEMENT);
    roles.org = await responderRole(caller.iam, 'drp-org', MANAGEMENT);
    roles.logs = await responderRole(archive.iam, 'drp-logs', MANAGEMENT);
    roles.evidence = await responderRole(forensics.iam, 'drp-evidence', MANAGEMENT);

    // The workload: the leaked bucket, the uploader's keys, a trail delivering to the log archive.
    await workload.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await workload.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    for (let i = 0; i < 5; i++)
      await workload.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `media/${i}.jpg`, Body: `img ${i}` }),
      );
    await seedUserWithKeys(workload.iam, user);
    await archive.s3.send(new CreateBucketCommand({ Bucket: logBucket }));
    await workload.cloudtrail.send(
      new CreateTrailCommand({ Name: 'org-trail', S3BucketName: logBucket, IsMultiRegionTrail: true }),
    );
    await workload.cloudtrail.send(new StartLoggingCommand({ Name: 'org-trail' }));
    for (const hoursAgo of [1, 30, 24 * 10]) {
      const t = new Date(Date.now() - hoursAgo * 3_600_000);
      const key = `AWSLogs/${workload.account}/CloudTrail/us-east-1/${day(t)}/${workload.account}_CloudTrail_us-east-1_${stamp(t)}_a1.json.gz`;
      await archive.s3.send(new PutObjectCommand({ Bucket: logBucket, Key: key, Body: `log ${hoursAgo}` }));
      if (hoursAgo < 24 * 7) inWindow.push(key);
    }
    dir = join(scratch(), 'evidence');
    config = join(scratch(), 'drp.config.yaml');
    writeFileSync(
      config,
      [
        `targetRoleArn: ${roles.target}`,
        `orgRoleArn: ${roles.org}`,
        `logsRoleArn: ${roles.logs}`,
        `evidenceRoleArn: ${roles.evidence}`,
        '',
      ].join('\n'),
    );
  });

  it('one drp contain contains the workload bucket, attaches the SCP to the workload account, and preserves the logs in the forensics account', async () => {
    const out = await runDrp(
      [
        ...['--incident', incident, '--config', config],
        ...['contain', '--bucket', bucket, '--user', user, '--yes', '--evidence-dir', dir],
      ],
      { endpoint, env },
    );
    expect(out.code, out.stderr + out.stdout).toBe(0);
    // The plan header names every identity: account and who AWS sees.
    expect(out.stdout).toMatch(
      new RegExp(
        `org\\s+account ${MANAGEMENT}\\s+region us-east-1\\s+as arn:aws:sts::${MANAGEMENT}:assumed-role/drp-org/drp-${incident}`,
      ),
    );
    expect(out.stdout).toMatch(new RegExp(`evidence\\s+account ${forensics.account}`));

    // The workload account: its bucket closed, its user's keys off.
    const block = await workload.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true);
    const policy = JSON.parse(
      (await workload.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!,
    );
    const exempt = policy.Statement.find((s: { Effect: string }) => s.Effect === 'Deny').Condition.ArnNotLike[
      'aws:PrincipalArn'
    ];
    expect([...exempt].sort()).toEqual(Object.values(roles).sort());
    const keys = await workload.iam.send(new ListAccessKeysCommand({ UserName: user }));
    expect(keys.AccessKeyMetadata!.map((k) => k.Status)).toEqual(['Inactive', 'Inactive']);

    // The management account: the SCP, on the workload account (not on the management account).
    const attached = await caller.organizations.send(
      new ListPoliciesForTargetCommand({ TargetId: workload.account, Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    expect(attached.Policies!.map((p) => p.Name)).toContain(`drp-${incident}`);

    // The forensics account: the evidence bucket is its own, Object-Locked, holding the log files
    // of the window (read as the log archive, uploaded as forensics: no policy lets forensics copy).
    const evidenceBucket = `drp-evidence-${forensics.account}-us-east-1`;
    const owned = (await forensics.s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
    expect(owned).toContain(evidenceBucket);
    const lock = await forensics.s3.send(new GetObjectLockConfigurationCommand({ Bucket: evidenceBucket }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    const listed = await forensics.s3.send(
      new ListObjectsV2Command({ Bucket: evidenceBucket, Prefix: `incidents/${incident}/cloudtrail/` }),
    );
    expect(listed.Contents!.map((o) => o.Key).sort()).toEqual(
      inWindow.map((k) => `incidents/${incident}/cloudtrail/${logBucket}/${k}`).sort(),
    );
    const manifest = readFileSync(join(dir, 'artefacts', 'cloudtrail-logs-manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { via: string });
    expect(manifest.map((l) => l.via)).toEqual(inWindow.map(() => 'read-and-upload'));
    expect(out.stdout).toMatch(/anchored: s3:\/\/drp-evidence-/);

    // The journal records every identity, its role, account and region.
    const genesis = entries(dir)[0] as unknown as {
      identities: Record<string, { roleArn: string; accountId: string }>;
    };
    expect(genesis.identities).toMatchObject({
      target: { roleArn: roles.target, accountId: workload.account },
      org: { roleArn: roles.org, accountId: MANAGEMENT },
      logs: { roleArn: roles.logs },
      evidence: { roleArn: roles.evidence, accountId: forensics.account },
    });
  });

  it('a resume with another role than the journal records is exit 2 naming it; with none, it uses the recorded ones', async () => {
    // Cut the sealed journal before its last step: a run that stopped there.
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    const cut = join(scratch(), 'cut');
    mkdirSync(cut);
    const keep = entries(dir).findIndex((e) => e.type === 'intent' && e.stepId === 'preserve-access-logs');
    writeFileSync(join(cut, 'journal.jsonl'), `${lines.slice(0, keep).join('\n')}\n`);
    const other = roles.org.replace('drp-org', 'someone-else');
    const refused = await runDrp(['--org-role-arn', other, 'resume', join(cut, 'journal.jsonl'), '--yes'], {
      endpoint,
      env,
    });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`--org-role-arn ${other}: the run in .* acted as org through role ${roles.org}`),
    );
    const resumed = await runDrp(['resume', join(cut, 'journal.jsonl'), '--yes'], { endpoint, env });
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    const resume = entries(cut).find((e) => e.type === 'resume') as unknown as {
      identities: Record<string, { roleArn: string }>;
    };
    expect(resume.identities.target!.roleArn).toBe(roles.target);
    expect(resume.identities.evidence!.roleArn).toBe(roles.evidence);
  });

  it('drp restore undoes it as the journal records: the bucket policy as the workload role, the SCP as the org role', async () => {
    const out = await runDrp(['restore', join(dir, 'journal.jsonl'), '--yes'], { endpoint, env });
    expect(out.code, out.stderr + out.stdout).toBe(0);
    await expect(workload.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
    const attached = await caller.organizations.send(
      new ListPoliciesForTargetCommand({ TargetId: workload.account, Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    expect(attached.Policies!.map((p) => p.Name)).not.toContain(`drp-${incident}`);
  });
});
