import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, organizations } = emulatorClients(endpoint);
const bucket = 'leaked-media';
const READER = {
  Sid: 'MediaReader',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/MediaReader' },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${bucket}/*`,
};

/** 30 objects, 6 of them overwritten (36 versions), one deleted (a delete marker), a one-statement policy. */
async function seedLeakedBucket() {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  for (let i = 0; i < 30; i++)
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `clips/fake ${i}.mp4`, Body: `v1 ${i}` }));
  for (let i = 0; i < 6; i++)
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `clips/fake ${i}.mp4`, Body: `v2 ${i}` }));
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'clips/fake 29.mp4' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [READER] }),
    }),
  );
}

const policy = async () =>
  JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}') as {
    Statement: Record<string, unknown>[];
  };

const objectLock = () =>
  s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).then(
    (out) => out.ObjectLockConfiguration,
    (err: Error) => (err.name === 'ObjectLockConfigurationNotFoundError' ? undefined : Promise.reject(err)),
  );

async function legalHolds() {
  const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  const holds = await Promise.all(
    (out.Versions ?? []).map(async (v) => {
      const hold = await s3.send(
        new GetObjectLegalHoldCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }),
      );
      return hold.LegalHold?.Status ?? 'none';
    }),
  );
  return { holds, deleteMarkers: out.DeleteMarkers?.length ?? 0 };
}

const entriesOf = (journal: string): Entry[] => verifyJournal(readFileSync(journal)).entries;
const resultOf = (entries: Entry[], stepId: string) =>
  entries.find((e) => e.type === 'result' && e.stepId === stepId);

async function contain(...flags: string[]) {
  const dir = join(scratch(), 'ev');
  const out = await runDrp(['contain', '--bucket', bucket, '--evidence-dir', dir, ...flags], { endpoint });
  return { ...out, dir, journal: join(dir, 'journal.jsonl') };
}

describe('drp contain on a leaked bucket (S3 steps)', () => {
  beforeAll(async () => {
    await seedLeakedBucket();
    // The bundled runbook ends with an SCP: give it an organization with SCPs enabled.
    await seedOrganization(organizations);
  });

  it('--dry-run plans every S3 step and changes nothing', async () => {
    const out = await contain('--dry-run');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /\+ put-legal-hold s3:\/\/leaked-media: 36 versions \(1 delete marker skipped\)/,
    );
    expect(out.stdout).toMatch(/\+ add-deny-statement s3:\/\/leaked-media: Sid DrpContain/);
    expect(await objectLock()).toBeUndefined();
    expect((await legalHolds()).holds.every((h) => h !== 'ON')).toBe(true);
    expect((await policy()).Statement).toEqual([READER]);
  });

  it('--yes snapshots, locks, holds every version, adds the deny beside the original statement, and journals it all', async () => {
    const out = await contain('--yes', '--incident', 'INC-SMOKE-1');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/legal-holds\s+applied\s+.*36 versions held \(1 delete marker skipped\)/);

    // moto adds "Years": 0 beside Days.
    expect(await objectLock()).toMatchObject({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    });
    const { holds, deleteMarkers } = await legalHolds();
    expect(holds).toHaveLength(36);
    expect(holds.every((h) => h === 'ON')).toBe(true);
    expect(deleteMarkers).toBe(1);

    const statements = (await policy()).Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0]).toEqual(READER);
    expect(statements[1]).toMatchObject({
      Sid: 'DrpContainINCSMOKE1',
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:sts::123456789012:user/moto'] } },
    });

    const entries = entriesOf(out.journal);
    expect(resultOf(entries, 'legal-holds')).toMatchObject({
      outcome: 'applied',
      data: { held: 36, deleteMarkers: 1, alreadyHeld: 0, vanished: 0 },
    });
    // Isolate first, then lock: the deny, the SCP, the identities', the edge's and other surfaces' isolation
    // were applied before Object Lock and the holds.
    const results = entries.filter((e) => e.type === 'result').map((e) => e.stepId);
    expect(results.slice(0, 18)).toEqual([
      'snapshot-config',
      'block-public-access',
      'disable-access-keys',
      'revoke-role-sessions',
      'deny-policy',
      'scp-deny',
      'contain-users',
      'revoke-sso-role-sessions',
      'contain-idc-users',
      'lambda-isolate',
      'apigateway-isolate',
      'cloudfront-invalidate',
      'waf-protect',
      'dynamodb-contain',
      'cognito-contain',
      'network-isolate',
      'object-lock',
      'legal-holds',
    ]);
    const artefacts = entries.filter((e) => e.type === 'artefact').map((e) => e.name);
    expect(artefacts).toEqual(
      expect.arrayContaining([`s3-config-${bucket}.json`, `legal-holds-${bucket}.jsonl`]),
    );
    const manifest = readFileSync(join(out.dir, 'artefacts', `legal-holds-${bucket}.jsonl`), 'utf8');
    expect(manifest.trim().split('\n')).toHaveLength(37);
    const snapshot = JSON.parse(readFileSync(join(out.dir, 'artefacts', `s3-config-${bucket}.json`), 'utf8'));
    expect(JSON.parse(snapshot.config.policy)).toEqual({ Version: '2012-10-17', Statement: [READER] });
    expect(snapshot.config.objectLock).toBeNull();

    expect((await runDrp(['verify', out.journal])).code).toBe(0);
    const rehash = await runDrp(['verify', '--artefacts', out.journal]);
    expect(rehash.code, rehash.stdout + rehash.stderr).toBe(0);
    expect(rehash.stdout).toMatch(new RegExp(`${artefacts.length} artefact\\(s\\) re-hashed`));
  });

  it('a second run of the incident changes nothing: no legal hold put (each is read), no second deny', async () => {
    const out = await contain('--yes', '--incident', 'INC-SMOKE-1');
    expect(out.code, out.stderr).toBe(0);
    const entries = entriesOf(out.journal);
    const outcomes = Object.fromEntries(
      entries.filter((e) => e.type === 'result').map((e) => [e.stepId, e.outcome]),
    );
    // The snapshot records this run's before-state as an artefact, and the preservation steps keep
    // this run's evidence; no containment step changes anything.
    expect(outcomes).toMatchObject({
      'snapshot-config': 'applied',
      'block-public-access': 'nothing-to-do',
      'disable-access-keys': 'nothing-to-do',
      'revoke-role-sessions': 'nothing-to-do',
      'object-lock': 'nothing-to-do',
      'legal-holds': 'nothing-to-do',
      'deny-policy': 'nothing-to-do',
      // The emulator's caller is the management account, which SCPs never restrict.
      'scp-deny': 'not-applicable',
    });
    // The plan read one page; apply read each hold, found it ON, and put none.
    const holdsIntent = entries.find((e) => e.type === 'intent' && e.stepId === 'legal-holds');
    expect(holdsIntent).toMatchObject({
      plan: { observed: { listed: { versions: 36, deleteMarkers: 1, complete: true } } },
    });
    expect(resultOf(entries, 'legal-holds')).toMatchObject({ data: { held: 0, alreadyHeld: 36 } });
    expect((await policy()).Statement).toHaveLength(2);
  });

  it('--retention-days sets the default retention of the Object Lock configuration', async () => {
    const other = 'leaked-media-two';
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    await s3.send(new PutObjectCommand({ Bucket: other, Key: 'a.mp4', Body: 'a' }));
    const dir = join(scratch(), 'ev');
    const out = await runDrp(
      ['contain', '--bucket', other, '--retention-days', '7', '--yes', '--evidence-dir', dir],
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: other }));
    expect(lock.ObjectLockConfiguration?.Rule?.DefaultRetention).toMatchObject({
      Mode: 'GOVERNANCE',
      Days: 7,
    });
    const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: other, Key: 'a.mp4' }));
    expect(hold.LegalHold?.Status).toBe('ON');
  });
});
