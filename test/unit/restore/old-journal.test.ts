import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { restore, type RestoreFlags } from '../../../src/commands/restore.js';
import { verify } from '../../../src/commands/verify.js';
import { generateKey, loadFileSigner } from '../../../src/journal/keys.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';

// A journal as drp wrote it before s3-legal-holds existed: the old order (the legal holds inside
// s3-object-lock, before the deny), the old params and observed state of that step. It must still
// verify, report and restore with this drp.
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const BUCKET = 'media';
const PRINCIPAL = 'arn:aws:iam::123456789012:user/alice';
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

async function oldJournal() {
  const keyPath = generateKey(scratch()).privateKeyPath;
  const dir = join(scratch(), 'ev');
  const { signer } = loadFileSigner(keyPath);
  const journal = JournalWriter.create(dir, signer);
  await journal.append('genesis', {
    tool: { name: 'drp', version: '0.1.0' },
    command: 'contain',
    incidentId: 'INC-OLD',
    runbook: { name: 'deepfake-s3-leak', path: 'runbooks/deepfake-s3-leak.yaml', sha256: 'ab'.repeat(32) },
    params: { bucket: BUCKET, retentionDays: 30, batchThreshold: 100000, batchRoleArn: '' },
    dryRun: false,
    caller: { arn: PRINCIPAL, accountId: '123456789012', principalArn: PRINCIPAL },
    exemptPrincipals: [PRINCIPAL],
    region: 'us-east-1',
    evidenceBucket: 'drp-evidence-123456789012-us-east-1',
    detectedAt: '2026-11-25T02:40:00.000Z',
    signer: {
      algorithm: signer.algorithm,
      publicKeyPem: signer.publicKeyPem,
      fingerprint: signer.fingerprint,
    },
  });
  const step = async (stepId: string, stepType: string, params: object, plan: object, result: object) => {
    await journal.append('intent', { stepId, stepType, params, plan });
    await journal.append('result', { stepId, stepType, outcome: 'applied', requestIds: [], ...result });
  };
  const target = `s3://${BUCKET}`;
  await step(
    'block-public-access',
    's3-block-public-access',
    { bucket: BUCKET },
    {
      observed: { bucket: BUCKET, publicAccessBlock: null },
      changes: [{ action: 'put-public-access-block', target }],
    },
    { changes: [{ action: 'put-public-access-block', target }] },
  );
  // The old s3-object-lock: versioning, Object Lock, then a hold on every version, in one step.
  const lockChanges = [
    { action: 'put-bucket-versioning', target },
    { action: 'put-object-lock-configuration', target },
    { action: 'put-legal-hold', target, count: 2 },
  ];
  await journal.append('intent', {
    stepId: 'object-lock',
    stepType: 's3-object-lock',
    params: {
      bucket: BUCKET,
      retentionDays: 30,
      batchThreshold: 100000,
      evidenceBucket: 'drp-evidence-123456789012-us-east-1',
      batchRoleArn: '',
    },
    plan: {
      observed: {
        bucket: BUCKET,
        versioning: null,
        objectLock: null,
        versions: 2,
        deleteMarkers: 0,
        alreadyHeld: 0,
        holds: 'per-version',
      },
      changes: lockChanges,
    },
  });
  const manifest = await journal.artefacts.write(
    `legal-holds-${BUCKET}.jsonl`,
    ['v1', 'v2']
      .map((v) => `${JSON.stringify({ key: `k-${v}`, versionId: v, heldBefore: false, heldNow: true })}\n`)
      .join(''),
    { uri: target },
  );
  await journal.append('result', {
    stepId: 'object-lock',
    stepType: 's3-object-lock',
    outcome: 'applied',
    changes: lockChanges,
    requestIds: [],
    data: {
      held: 2,
      alreadyHeld: 0,
      deleteMarkers: 0,
      versions: 2,
      manifest: { path: manifest.path, sha256: manifest.sha256 },
    },
  });
  await step(
    'deny-policy',
    's3-deny-policy',
    { bucket: BUCKET },
    { observed: { bucket: BUCKET, policy: null }, changes: [{ action: 'add-deny-statement', target }] },
    { changes: [{ action: 'add-deny-statement', target }] },
  );
  await journal.seal({ outcome: 'completed' });
  journal.close();
  return { path: join(dir, 'journal.jsonl'), dir, keyPath };
}

const flags = (keyPath: string, over: Partial<RestoreFlags> = {}): RestoreFlags => ({
  dryRun: false,
  yes: true,
  only: [],
  reactivateKeys: false,
  releaseHolds: false,
  overwriteDrift: false,
  concurrency: 4,
  keyPath,
  ...over,
});

describe('a journal written before s3-legal-holds (holds inside s3-object-lock, before the deny)', () => {
  beforeEach(() => {
    s3.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Arn: PRINCIPAL, Account: '123456789012' });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_ON });
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'DrpContainINCOLD', Effect: 'Deny' }],
      }),
    });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
      },
    });
    s3.on(PutObjectLegalHoldCommand).resolves({});
    s3.on(PutObjectLockConfigurationCommand).resolves({});
    s3.on(PutPublicAccessBlockCommand).resolves({});
    s3.on(PutBucketPolicyCommand).resolves({});
    s3.on(DeletePublicAccessBlockCommand).resolves({});
    s3.on(DeleteBucketPolicyCommand).resolves({});
  });

  it('verifies and reports', async () => {
    const run = await oldJournal();
    expect((await verify(run.path, { artefacts: true })).exitCode).toBe(0);
    const md = await report(run.path, { now: '2026-11-25T04:00:00Z' });
    expect(md.exitCode).toBe(0);
    expect(md.text).toMatch(/\| `object-lock` \| `s3-object-lock` \| \*\*applied\*\*/);
  });

  it('restores: the default retention removed, the holds kept (or released with --release-holds)', async () => {
    const run = await oldJournal();
    const kept = await restore(run.path, flags(run.keyPath, { dryRun: true }), testEnv().env);
    expect(kept.exitCode, kept.text).toBe(0);
    expect(kept.text).toMatch(/remove-default-retention s3:\/\/media/);
    expect(kept.text).toMatch(/the 2 legal holds drp placed on s3:\/\/media stay ON/);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);

    const out = await restore(run.path, flags(run.keyPath, { releaseHolds: true }), testEnv().env);
    expect(out.exitCode, out.text).toBe(0);
    expect(s3).toHaveReceivedCommandWith(PutObjectLockConfigurationCommand, {
      Bucket: BUCKET,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    const released = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input);
    expect(released.map((i) => `${i.VersionId}=${i.LegalHold?.Status}`).sort()).toEqual(['v1=OFF', 'v2=OFF']);
    // The old order, reversed: the deny, then Object Lock; Block Public Access before the deny.
    // The second restore dir: the first is the dry-run's.
    const restoreDir = readdirSync(run.dir)
      .filter((d) => d.startsWith('restore-'))
      .sort()
      .at(-1)!;
    const entries = verifyJournal(readFileSync(join(run.dir, restoreDir, 'journal.jsonl'))).entries;
    expect(entries.filter((e) => e.type === 'restore').map((e) => e.stepId)).toEqual([
      'block-public-access',
      'deny-policy',
      'object-lock',
    ]);
  });
});
