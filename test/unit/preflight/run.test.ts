import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  GetBucketLoggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { READ_ONLY_OPERATION } from '../../../src/aws/config.js';
import { runPreflight } from '../../../src/commands/preflight.js';
import { generateKey } from '../../../src/journal/keys.js';
import type { PreflightReport } from '../../../src/preflight/run.js';
import { testEnv } from '../../support/command-env.js';
import '../../support/matchers.js';

// moto lacks iam:SimulatePrincipalPolicy, so the whole preflight runs here on mocked clients.
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const iam = mockClient(IAMClient);
const orgs = mockClient(OrganizationsClient);
const cloudtrail = mockClient(CloudTrailClient);
const ACCT = '111111111111';
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`;

const notFound = (name: string, status = 404) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

function keyFile(mode: number): string {
  const { privateKeyPath } = generateKey(join(mkdtempSync(join(tmpdir(), 'drp-preflight-')), 'k'));
  chmodSync(privateKeyPath, mode);
  return privateKeyPath;
}

beforeEach(() => {
  for (const m of [sts, s3, iam, orgs, cloudtrail]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCT}:user/oncall`, Account: ACCT });
  s3.on(HeadBucketCommand).rejects(notFound('NotFound'));
  s3.on(HeadBucketCommand, { Bucket: 'media' }).resolves({ BucketRegion: 'us-east-1' });
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).rejects(notFound('ObjectLockConfigurationNotFoundError'));
  s3.on(ListObjectVersionsCommand).resolves({
    Versions: [{ Key: 'a.png', VersionId: 'v1' }],
    IsTruncated: false,
  });
  s3.on(GetBucketLoggingCommand).resolves({});
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [{ Name: 'main', TrailARN: TRAIL, HomeRegion: 'us-east-1', IsMultiRegionTrail: true }],
  });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [] });
  orgs.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-1', MasterAccountId: '999999999999', FeatureSet: 'ALL' },
  });
  orgs.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-ab12', PolicyTypes: [] }] });
  orgs.on(DescribeAccountCommand).resolves({ Account: { Id: ACCT } });
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ActionNames: string[] }) => ({
    EvaluationResults: input.ActionNames.map((a) => ({
      EvalActionName: a,
      EvalDecision: a === 's3:PutBucketPolicy' ? 'implicitDeny' : 'allowed',
    })),
  }));
});

const verdictOf = (report: PreflightReport, name: string) =>
  report.checks.find((c) => c.name === name)?.verdict;

describe('drp preflight', () => {
  it('reports each check with its verdict and fix, and exits 1 when something is blocked', async () => {
    const { env } = testEnv();
    const result = await runPreflight(
      { buckets: ['media'], runbook: 'deepfake-s3-leak', keyPath: keyFile(0o600) },
      env,
    );
    const report = result.json as PreflightReport;
    expect(result.exitCode).toBe(1);
    expect(verdictOf(report, 's3:PutBucketPolicy')).toBe('blocked');
    expect(verdictOf(report, 'media versioning')).toBe('gap');
    expect(verdictOf(report, 'SCP policy type on r-ab12')).toBe('gap');
    expect(verdictOf(report, `workload account ${ACCT}`)).toBe('ready');
    expect(verdictOf(report, 'log file validation')).toBe('gap');
    expect(verdictOf(report, 'S3 data events of media')).toBe('gap');
    expect(verdictOf(report, `evidence bucket drp-evidence-${ACCT}-us-east-1`)).toBe('gap');
    expect(report.checks.find((c) => c.group === 'signing')).toMatchObject({ verdict: 'ready' });
    expect(report.topFixes[0]).toMatchObject({ verdict: 'blocked', name: 'permissions: s3:PutBucketPolicy' });
    expect(report.topFixes).toHaveLength(3);
    expect(report.counts.blocked).toBe(1);
    expect(result.text).toContain(
      'fix: aws organizations enable-policy-type --root-id r-ab12 --policy-type SERVICE_CONTROL_POLICY',
    );
    expect(result.text).toMatch(/Readiness: \d+ ready, \d+ gaps, 1 blocked: a run would fail/);
  });

  it('sends no mutating call: every command to every service is a read (the read-only clients refuse the rest)', async () => {
    const { env } = testEnv();
    await runPreflight({ buckets: ['media'], runbook: 'deepfake-s3-leak', keyPath: keyFile(0o600) }, env);
    const sent = [sts, s3, iam, orgs, cloudtrail].flatMap((m) =>
      m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')),
    );
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((op) => !READ_ONLY_OPERATION.test(op))).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(CreateBucketCommand, 0);
  });

  it('exits 0 when nothing is blocked (gaps only)', async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ActionNames: string[] }) => ({
      EvaluationResults: input.ActionNames.map((a) => ({ EvalActionName: a, EvalDecision: 'allowed' })),
    }));
    const { env } = testEnv();
    const result = await runPreflight(
      { buckets: ['media'], runbook: 'deepfake-s3-leak', keyPath: keyFile(0o644) },
      env,
    );
    const report = result.json as PreflightReport;
    expect(report.counts.blocked).toBe(0);
    expect(report.counts.gap).toBeGreaterThan(0);
    expect(result.exitCode).toBe(0);
    expect(report.checks.find((c) => c.group === 'signing')).toMatchObject({
      verdict: 'gap',
      fix: expect.stringMatching(/^chmod 600 /),
    });
  });

  it('blocks on a bucket that does not exist', async () => {
    const { env } = testEnv();
    const result = await runPreflight(
      { buckets: ['gone-bucket'], runbook: 'deepfake-s3-leak', keyPath: keyFile(0o600) },
      env,
    );
    expect((result.json as PreflightReport).checks.find((c) => c.name === 'gone-bucket')).toMatchObject({
      verdict: 'blocked',
      detail: 'no such bucket in this partition',
    });
  });

  it.each([
    [{ buckets: ['Media_Prod'] }, /^--bucket Media_Prod: /],
    [
      { buckets: ['media'], evidenceBucket: 'x' },
      /^--evidence-bucket x: a bucket name has 3 to 63 characters/,
    ],
    [
      { buckets: ['media'], runbook: 'no-such-runbook' },
      /^--runbook no-such-runbook: runbook "no-such-runbook" is neither/,
    ],
    [
      { buckets: ['media'], keyPath: 'k.pem', kmsKeyId: 'arn:aws:kms:us-east-1:1:key/x' },
      /^--key and --kms-key-id/,
    ],
  ])('refuses bad input naming the flag, before any AWS call: %o', async (opts, message) => {
    const { env } = testEnv();
    await expect(runPreflight({ runbook: 'deepfake-s3-leak', ...opts }, env)).rejects.toThrow(message);
    expect(sts.calls()).toHaveLength(0);
  });
});
