import { CloudTrailClient, DescribeTrailsCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/preserve-cloudtrail-logs.js';
import { fakeS3 } from '../../support/fake-s3.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const ct = mockClient(CloudTrailClient);
const ACCT = '123456789012';
const EVIDENCE = 'drp-evidence-123456789012-us-east-1';
const now = () => new Date('2026-12-01T03:00:00.000Z');

const trail = (over: Partial<Trail> = {}): Trail => ({
  Name: 'main',
  TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`,
  HomeRegion: 'us-east-1',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  S3BucketName: 'trail-logs',
  S3KeyPrefix: 'ct',
  ...over,
});
const log = (day: string, stamp: string, root = `ct/AWSLogs/${ACCT}/`, region = 'us-east-1') =>
  `${root}CloudTrail/${region}/${day}/${ACCT}_CloudTrail_${region}_${stamp}_x1.json.gz`;
const digest = (day: string, stamp: string) =>
  `ct/AWSLogs/${ACCT}/CloudTrail-Digest/us-east-1/${day}/${ACCT}_CloudTrail-Digest_us-east-1_main_us-east-1_${stamp}.json.gz`;

const listedPrefixes = (bucket: string) =>
  s3
    .commandCalls(ListObjectsV2Command)
    .map((c) => c.args[0].input)
    .filter((i) => i.Bucket === bucket && !i.Delimiter)
    .map((i) => i.Prefix);

describe('preserve-cloudtrail-logs', () => {
  beforeEach(() => {
    s3.reset();
    ct.reset();
    ct.on(DescribeTrailsCommand).resolves({ trailList: [trail()] });
  });

  it('lists exactly the day prefixes of a window spanning two months, and copies only the files inside it', async () => {
    const inside = [
      log('2026/11/28', '20261128T0400Z'),
      log('2026/11/30', '20261130T1215Z'),
      digest('2026/12/01', '20261201T010000Z'),
    ];
    const outside = [log('2026/11/28', '20261128T0200Z'), log('2026/11/27', '20261127T2300Z')];
    const fake = fakeS3(s3, {
      'trail-logs': [...inside, ...outside].map((key) => ({ key, body: `body of ${key}` })),
      [EVIDENCE]: [],
    });
    const { ctx: planCtx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(planCtx, { since: '3d' });
    const days = ['2026/11/28', '2026/11/29', '2026/11/30', '2026/12/01'];
    expect(listedPrefixes('trail-logs')).toEqual([
      ...days.map((d) => `ct/AWSLogs/${ACCT}/CloudTrail/us-east-1/${d}/`),
      ...days.map((d) => `ct/AWSLogs/${ACCT}/CloudTrail-Digest/us-east-1/${d}/`),
    ]);
    expect(plan.changes).toEqual([
      expect.objectContaining({ action: 'copy-log-files', target: 's3://trail-logs/ct/AWSLogs/', count: 3 }),
    ]);
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 0);

    const { ctx, artefacts } = testContext({ now });
    const applied = await step.apply(ctx, { since: '3d' }, plan);
    expect(fake.keys(EVIDENCE)).toEqual(
      inside.map((k) => `incidents/INC-TEST-1/cloudtrail/trail-logs/${k}`).sort(),
    );
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: EVIDENCE,
      Key: `incidents/INC-TEST-1/cloudtrail/trail-logs/${inside[0]}`,
      CopySource: `trail-logs/${inside[0]}`,
      CopySourceIfMatch: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      ChecksumAlgorithm: 'SHA256',
      ObjectLockLegalHoldStatus: 'ON',
    });
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 3);
    const manifest = artefacts.find((a) => a.name === 'cloudtrail-logs-manifest.jsonl')!;
    const lines = manifest.content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.source).sort()).toEqual(inside.map((k) => `s3://trail-logs/${k}`).sort());
    expect(lines.find((l) => l.source === `s3://trail-logs/${inside[0]}`)).toEqual({
      source: `s3://trail-logs/${inside[0]}`,
      sourceVersionId: expect.stringMatching(/^src-/),
      size: `body of ${inside[0]}`.length,
      sha256: fake.sha256Hex(`body of ${inside[0]}`),
      evidence: `s3://${EVIDENCE}/incidents/INC-TEST-1/cloudtrail/trail-logs/${inside[0]}`,
      evidenceVersionId: expect.stringMatching(/^v\d+$/),
      etag: expect.any(String),
      via: 'server-side-copy',
    });
    expect(applied.changes).toEqual([expect.objectContaining({ action: 'copy-log-files', count: 3 })]);
    expect(applied.data).toMatchObject({ copied: 3, manifest: 'artefacts/cloudtrail-logs-manifest.jsonl' });
  });

  describe('across accounts: the log archive reads, the forensics account writes', () => {
    const LOGS = 'arn:aws:iam::333333333333:role/drp-logs';
    const FORENSICS = 'arn:aws:iam::444444444444:role/drp-evidence';
    const multiAccount = (readOnly = false) => {
      const { ctx, artefacts } = testContext({ aws: testPorts(readOnly), now });
      const as = (principalArn: string) => ({ ...ctx.identities.target, principalArn, arn: principalArn });
      const asked: string[] = [];
      const identities = { ...ctx.identities, logs: as(LOGS), evidence: as(FORENSICS) };
      const awsAs = async (identity: string) => (asked.push(identity), ctx.aws);
      return { ctx: { ...ctx, identities, awsAs }, artefacts, asked };
    };

    it('reads as logs and writes as evidence; when the evidence identity may not read the log bucket (AccessDenied), each file is read and uploaded, checksummed, and the manifest says which way it went', async () => {
      const files = [log('2026/11/30', '20261130T1215Z'), log('2026/12/01', '20261201T0100Z')];
      const fake = fakeS3(
        s3,
        { 'trail-logs': files.map((key) => ({ key, body: `body of ${key}` })), [EVIDENCE]: [] },
        1000,
        { refuseCopyFrom: ['trail-logs'] },
      );
      const planned = multiAccount(true);
      const plan = await step.plan(planned.ctx, { since: '3d' });
      expect(new Set(planned.asked)).toEqual(new Set(['logs', 'evidence']));
      const { ctx, artefacts } = multiAccount();
      const applied = await step.apply(ctx, { since: '3d' }, plan);

      expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
        Bucket: 'trail-logs',
        Key: files[0],
        IfMatch: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      });
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: EVIDENCE,
        Key: `incidents/INC-TEST-1/cloudtrail/trail-logs/${files[0]}`,
        ContentLength: `body of ${files[0]}`.length,
        ChecksumAlgorithm: 'SHA256',
        ObjectLockLegalHoldStatus: 'ON',
      });
      expect(fake.keys(EVIDENCE)).toEqual(
        files.map((k) => `incidents/INC-TEST-1/cloudtrail/trail-logs/${k}`).sort(),
      );
      const lines = artefacts
        .find((a) => a.name === 'cloudtrail-logs-manifest.jsonl')!
        .content.trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.via)).toEqual(['read-and-upload', 'read-and-upload']);
      expect(lines.find((l) => l.source === `s3://trail-logs/${files[0]}`)).toMatchObject({
        sha256: fake.sha256Hex(`body of ${files[0]}`),
        size: `body of ${files[0]}`.length,
      });
      expect(applied.data).toMatchObject({ copied: 2, uploaded: 2 });
      expect(applied.changes[0]!.detail).toMatch(
        /2 read as logs and uploaded: the evidence identity may not read trail-logs/,
      );
    });

    it('does not try another way when one principal reads and writes: its AccessDenied fails the step', async () => {
      const files = [log('2026/12/01', '20261201T0100Z')];
      fakeS3(s3, { 'trail-logs': files.map((key) => ({ key, body: 'x' })), [EVIDENCE]: [] }, 1000, {
        refuseCopyFrom: ['trail-logs'],
      });
      const { ctx } = testContext({ now });
      const plan = await step.plan(testContext({ aws: testPorts(true), now }).ctx, { since: '3d' });
      await expect(step.apply(ctx, { since: '3d' }, plan)).rejects.toMatchObject({
        name: 'StepFailure',
        message: 'Access Denied',
      });
      expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    });
  });

  it('finds the organization-trail layout, and lists us-east-1 too for global service events', async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [trail({ S3KeyPrefix: undefined, IsOrganizationTrail: true, HomeRegion: 'us-east-1' })],
    });
    const org = `AWSLogs/o-abc1234567/${ACCT}/`;
    fakeS3(s3, {
      'trail-logs': [
        { key: log('2026/12/01', '20261201T0100Z', org, 'eu-west-1'), body: 'x' },
        { key: log('2026/12/01', '20261201T0100Z', org, 'us-east-1'), body: 'y' },
      ],
      [EVIDENCE]: [],
    });
    const { ctx } = testContext({ aws: testPorts(true), now, region: 'eu-west-1' });
    const plan = await step.plan(ctx, { since: '2h' });
    expect(listedPrefixes('trail-logs')).toEqual([
      `${org}CloudTrail/eu-west-1/2026/12/01/`,
      `${org}CloudTrail/us-east-1/2026/12/01/`,
      `${org}CloudTrail-Digest/eu-west-1/2026/12/01/`,
      `${org}CloudTrail-Digest/us-east-1/2026/12/01/`,
    ]);
    expect(plan.changes[0]).toMatchObject({ count: 2 });
  });

  it('finds evidence missing when no trail covers the region, and has nothing to do', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    fakeS3(s3, { [EVIDENCE]: [] });
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, { since: '7d' });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual([
      'evidence is missing: no CloudTrail trail covers us-east-1: no log files to preserve',
    ]);
  });

  it('copies again only what an earlier run of the incident has not preserved', async () => {
    const a = log('2026/12/01', '20261201T0100Z');
    const b = log('2026/12/01', '20261201T0200Z');
    fakeS3(s3, {
      'trail-logs': [a, b].map((key) => ({ key, body: key })),
      [EVIDENCE]: [{ key: `incidents/INC-TEST-1/cloudtrail/trail-logs/${a}`, body: a }],
    });
    const { ctx } = testContext({ now });
    const plan = await step.plan(ctx, { since: '1d' });
    expect(plan.changes[0]).toMatchObject({ count: 1 });
    await step.apply(ctx, { since: '1d' }, plan);
    expect(s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input.CopySource)).toEqual([
      `trail-logs/${b}`,
    ]);
  });

  it('fails on a copy that does not verify, with what was copied before it in the journal and the manifest', async () => {
    const files = ['0100', '0200', '0300'].map((t) => log('2026/12/01', `20261201T${t}Z`));
    fakeS3(s3, { 'trail-logs': files.map((key) => ({ key, body: key })), [EVIDENCE]: [] });
    s3.on(HeadObjectCommand, { Key: `incidents/INC-TEST-1/cloudtrail/trail-logs/${files[1]}` }).resolves({
      ContentLength: 3,
      ChecksumSHA256: 'c2hh',
      ObjectLockLegalHoldStatus: 'ON',
      $metadata: {},
    });
    const { ctx, artefacts } = testContext({
      now,
      settings: { ...testContext().ctx.settings, concurrency: 1 },
    });
    const plan = await step.plan(ctx, { since: '1d' });
    const error = (await step.apply(ctx, { since: '1d' }, plan).catch((e: unknown) => e)) as StepFailure;
    expect(error).toBeInstanceOf(StepFailure);
    expect(error.message).toMatch(/failed verification: the copy has 3 bytes, the source \d+/);
    expect(error.partial.changes).toEqual([expect.objectContaining({ action: 'copy-log-files', count: 1 })]);
    expect(error.partial.data).toMatchObject({
      copied: 1,
      planned: 3,
      failedAt: `s3://trail-logs/${files[1]}`,
    });
    const manifest = artefacts.find((a) => a.name === 'cloudtrail-logs-manifest.jsonl')!;
    expect(manifest.content.trim().split('\n')).toHaveLength(1);
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 2);
  });

  it('keeps exactly the concurrency of copies in flight, however many listing pages', async () => {
    const files = Array.from({ length: 30 }, (_, i) =>
      log('2026/12/01', `20261201T01${String(i).padStart(2, '0')}Z`),
    );
    fakeS3(s3, { 'trail-logs': files.map((key) => ({ key, body: key })), [EVIDENCE]: [] }, 7);
    let inFlight = 0;
    let peak = 0;
    s3.on(CopyObjectCommand).callsFake(async (input: { Key: string }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight -= 1;
      return { VersionId: 'v', CopyObjectResult: { ChecksumSHA256: 'c2hh' }, $metadata: {}, Key: input.Key };
    });
    s3.on(HeadObjectCommand).callsFake(async (input: { Key: string }) => ({
      ContentLength: input.Key.length - 'incidents/INC-TEST-1/cloudtrail/trail-logs/'.length,
      ChecksumSHA256: 'c2hh',
      ObjectLockLegalHoldStatus: 'ON',
      $metadata: {},
    }));
    const { ctx } = testContext({ now, settings: { ...testContext().ctx.settings, concurrency: 4 } });
    const applied = await step.apply(ctx, { since: '1d' }, await step.plan(ctx, { since: '1d' }));
    expect(applied.data).toMatchObject({ copied: 30 });
    expect(peak).toBe(4);
  });
});
