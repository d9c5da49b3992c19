import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  PutConfigurationRecorderCommand,
  StartConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
} from '@aws-sdk/client-config-service';
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3 } = emulatorClients(endpoint);
const config = new ConfigServiceClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const bucket = 'leaked-media';
const PIPELINE = 'arn:aws:iam::123456789012:role/media-pipeline';
const READER = {
  Sid: 'MediaReader',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/MediaReader' },
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${bucket}/*`,
};

const statements = async () =>
  (
    JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}') as {
      Statement: Record<string, unknown>[];
    }
  ).Statement;
const drpRules = async () =>
  ((await config.send(new DescribeConfigRulesCommand({}))).ConfigRules ?? [])
    .filter((r) => r.ConfigRuleName?.startsWith('drp-'))
    .map((r) => r.Source?.SourceIdentifier)
    .sort();
const outcomes = (journal: string) =>
  Object.fromEntries(
    verifyJournal(readFileSync(journal))
      .entries.filter((e: Entry) => e.type === 'result')
      .map((e) => [e.stepId, e.outcome]),
  );

async function harden(...flags: string[]) {
  const dir = join(scratch(), 'ev');
  const out = await runDrp(
    ['harden', '--bucket', bucket, '--service-role', PIPELINE, '--evidence-dir', dir, ...flags],
    { endpoint },
  );
  return { ...out, journal: join(dir, 'journal.jsonl') };
}

describe('drp harden on the emulator, and its restore', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [READER] }),
      }),
    );
  });

  let first: Awaited<ReturnType<typeof harden>>;

  it('without AWS Config in the region, deploys no rule (not applicable, with the fix) and still adds the MFA deny', async () => {
    first = await harden('--yes', '--incident', 'INC-HARDEN-1');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/not applicable: AWS Config has no configuration recorder in us-east-1/);
    expect(first.stdout).toMatch(
      /finding: AWS Config is not set up in us-east-1.*put-configuration-recorder/,
    );
    expect(outcomes(first.journal)).toEqual({
      'config-rules': 'not-applicable',
      'mfa-write-deny': 'applied',
    });
    expect(await drpRules()).toEqual([]);
    const [reader, mfa] = await statements();
    expect(reader).toEqual(READER);
    expect(mfa).toMatchObject({
      Sid: 'DrpRequireMfaINCHARDEN1',
      Effect: 'Deny',
      Resource: `arn:aws:s3:::${bucket}/*`,
      Condition: {
        BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false', 'aws:PrincipalIsAWSService': 'false' },
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:sts::123456789012:user/moto', PIPELINE] },
      },
    });
  });

  let second: Awaited<ReturnType<typeof harden>>;

  it('with a configuration recorder, puts the six managed rules; the deny already there is left alone', async () => {
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: 'arn:aws:iam::123456789012:role/config',
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
      }),
    );
    await config.send(
      new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'config-bucket' } }),
    );
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const plan = await harden('--dry-run', '--incident', 'INC-HARDEN-1');
    expect(plan.code).toBe(0);
    expect(plan.stdout.match(/\+ put-config-rule config-rule\/drp-/g)).toHaveLength(6);
    expect(await drpRules()).toEqual([]);

    second = await harden('--yes', '--incident', 'INC-HARDEN-1');
    expect(second.code, second.stderr).toBe(0);
    expect(outcomes(second.journal)).toEqual({
      'config-rules': 'applied',
      'mfa-write-deny': 'nothing-to-do',
    });
    expect(await drpRules()).toEqual([
      'API_GW_ASSOCIATED_WITH_WAF',
      'CLOUDTRAIL_S3_DATAEVENTS_ENABLED',
      'IAM_USER_MFA_ENABLED',
      'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
      'S3_BUCKET_PUBLIC_READ_PROHIBITED',
      'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
    ]);
    const trail = (
      await config.send(
        new DescribeConfigRulesCommand({ ConfigRuleNames: ['drp-cloudtrail-s3-dataevents-enabled'] }),
      )
    ).ConfigRules![0]!;
    expect(JSON.parse(trail.InputParameters!)).toEqual({ S3BucketNames: bucket });
    expect(second.stdout).toMatch(/estimated AWS cost: no billed item in this plan/);
  });

  it('drp restore of each harden journal removes exactly what that run added', async () => {
    const undoRules = await runDrp(['restore', second.journal, '--yes'], { endpoint });
    expect(undoRules.code, undoRules.stderr).toBe(0);
    expect(await drpRules()).toEqual([]);
    expect(await statements()).toHaveLength(2);

    const undoDeny = await runDrp(['restore', first.journal, '--yes'], { endpoint });
    expect(undoDeny.code, undoDeny.stderr).toBe(0);
    expect(undoDeny.stdout).toMatch(/mfa-write-deny\s+applied\s+remove-mfa-deny-statement/);
    expect(await statements()).toEqual([READER]);
  });
});
