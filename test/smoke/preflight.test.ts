import {
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Check, Verdict } from '../../src/preflight/check.js';
import { emulatorClients } from '../support/aws.js';
import { runDrp } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, cloudtrail, organizations } = emulatorClients(endpoint);
const ACCT = '123456789012';
const BUCKET = 'media-prod';
const TRAIL_BUCKET = 'org-trail-logs';
const EVIDENCE = `drp-evidence-${ACCT}-us-east-1`;

interface Report {
  checks: Check[];
  counts: Record<Verdict, number>;
}

async function preflight(): Promise<{ code: number | null; report: Report }> {
  const run = await runDrp(['--output', 'json', 'preflight', '--bucket', BUCKET], { endpoint });
  return { code: run.code, report: JSON.parse(run.stdout) as Report };
}

const find = (report: Report, name: string) => report.checks.find((c) => c.name.startsWith(name));

describe('drp preflight against the emulator', () => {
  let rootId = '';

  beforeAll(async () => {
    for (const b of [BUCKET, TRAIL_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'deepfake.png', Body: 'synthetic' }));
    // A multi-region trail that logs management events only: no S3 data events of the bucket.
    await cloudtrail.send(
      new CreateTrailCommand({
        Name: 'main',
        S3BucketName: TRAIL_BUCKET,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );
    await cloudtrail.send(new StartLoggingCommand({ Name: 'main' }));
    // An organization whose root has no SCP policy type enabled.
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  });

  it('reports each weakness as a gap with its fix, and changes nothing', async () => {
    const { code, report } = await preflight();
    expect(code).toBe(0); // gaps only: a run would work
    expect(find(report, `${BUCKET} versioning`)).toMatchObject({
      verdict: 'gap',
      fix: `aws s3api put-bucket-versioning --bucket ${BUCKET} --versioning-configuration Status=Enabled`,
    });
    expect(find(report, `S3 data events of ${BUCKET}`)).toMatchObject({
      verdict: 'gap',
      fix: expect.stringContaining(`aws cloudtrail put-event-selectors --trail-name`),
    });
    expect(find(report, 'trail logging')).toMatchObject({ verdict: 'ready' });
    expect(find(report, `evidence bucket ${EVIDENCE}`)).toMatchObject({
      verdict: 'gap',
      fix: expect.stringContaining(
        `aws s3api create-bucket --bucket ${EVIDENCE} --object-lock-enabled-for-bucket`,
      ),
    });
    expect(find(report, `SCP policy type on ${rootId}`)).toMatchObject({
      verdict: 'gap',
      fix: `aws organizations enable-policy-type --root-id ${rootId} --policy-type SERVICE_CONTROL_POLICY (from the management account)`,
    });
    // moto has no SimulatePrincipalPolicy: one gap says so, and the reads above still ran.
    expect(report.checks.filter((c) => c.group === 'permissions')).toEqual([
      expect.objectContaining({
        verdict: 'gap',
        detail: expect.stringMatching(/^simulation not available: /),
      }),
    ]);
    // Read-only: the bucket is still unversioned and the evidence bucket still missing.
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBeUndefined();
    await expect(s3.send(new HeadBucketCommand({ Bucket: EVIDENCE }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('says ready for each once it is fixed', async () => {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await cloudtrail.send(
      new PutEventSelectorsCommand({
        TrailName: 'main',
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${BUCKET}/`] }],
          },
        ],
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: EVIDENCE, ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: EVIDENCE,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
        },
      }),
    );
    await organizations.send(
      new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }),
    );

    const { code, report } = await preflight();
    expect(code).toBe(0);
    for (const name of [
      `${BUCKET} versioning`,
      `S3 data events of ${BUCKET}`,
      `evidence bucket ${EVIDENCE}`,
      `SCP policy type on ${rootId}`,
      'log file validation',
      'multi-region trail',
    ])
      expect(find(report, name)?.verdict, name).toBe('ready');
    // One account on moto: the workload account is the management account, which no SCP restricts.
    expect(find(report, `workload account ${ACCT}`)).toMatchObject({ verdict: 'gap' });
  });
});
