import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DetectModerationLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import {
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { scan, scanParams } from '../../../src/commands/scan.js';
import { generateKey } from '../../../src/journal/keys.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { awsError, MODEL_ARN, version } from '../../support/scan-fixtures.js';

const now = new Date('2026-11-25T03:00:00Z');

describe('drp scan flags', () => {
  it('map to the runbook params, each list value apart, naming its flag', () => {
    expect(
      scanParams(
        {
          bucket: 'media',
          prefix: 'shots/',
          since: '7d',
          minConfidence: 90,
          labels: ['Explicit Nudity', 'Violence'],
          customLabelsModel: MODEL_ARN,
          customLabel: ['synthetic'],
          quarantine: true,
          maxTps: 5,
        },
        now,
      ),
    ).toEqual([
      { name: 'bucket', value: 'media', flag: '--bucket' },
      { name: 'prefix', value: 'shots/', flag: '--prefix shots/' },
      { name: 'since', value: '7d', flag: '--since 7d' },
      { name: 'minConfidence', value: '90', flag: '--min-confidence 90' },
      { name: 'customLabelsModel', value: MODEL_ARN, flag: `--custom-labels-model ${MODEL_ARN}` },
      { name: 'labels', value: 'Explicit Nudity', flag: '--labels Explicit Nudity' },
      { name: 'labels', value: 'Violence', flag: '--labels Violence' },
      { name: 'maxTps', value: '5', flag: '--max-tps 5' },
      { name: 'quarantine', value: 'true', flag: '--quarantine true' },
      { name: 'customLabels', value: 'synthetic', flag: '--custom-label synthetic' },
    ]);
  });

  it.each([
    [{ bucket: 'Media' }, /^--bucket Media: a bucket name uses lowercase letters/],
    [
      { bucket: 'media', prefix: 'é'.repeat(513) },
      /^--prefix: an S3 key prefix is at most 1,024 bytes of UTF-8/,
    ],
  ])('refuses a bad value naming the flag, before any AWS call: %#', (flags, message) => {
    expect(() => scanParams(flags, now)).toThrow(message);
  });

  it.each([
    [{ customLabelsModel: MODEL_ARN }, /^--custom-labels-model needs --custom-label NAME/],
    [{ customLabel: ['synthetic'] }, /^--custom-label names labels of a Custom Labels model/],
    [{ provenance: true, minConfidence: 90 }, /^--min-confidence is a Rekognition flag.*add --rekognition/],
    [
      { provenance: true, customLabelsModel: MODEL_ARN, customLabel: ['x'] },
      /^--custom-labels-model is a Rekognition flag/,
    ],
    [{ trustedSigner: ['CN=Acme'] }, /^--trusted-signer needs --provenance/],
    [{ requireCredentials: true }, /^--require-credentials needs --provenance/],
    [
      { provenance: true, trustedSigner: ['Acme Studio'] },
      /^--trusted-signer "Acme Studio": give the signing certificate's subject DN/,
    ],
  ])('refuses flags that do not fit together, naming the flag (exit 2): %#', (flags, message) => {
    expect(() => scanParams({ bucket: 'media', ...flags }, now)).toThrow(message);
  });

  it('--provenance alone turns Rekognition off; a DN survives the comma-separated list param', () => {
    const params = scanParams(
      {
        bucket: 'media',
        provenance: true,
        trustedSigner: ['CN=Acme Studio, O=Acme Retail'],
        requireCredentials: true,
        provenanceMaxBytes: 1048576,
      },
      now,
    );
    expect(params.slice(1)).toEqual([
      { name: 'provenance', value: 'true', flag: '--provenance true' },
      { name: 'rekognition', value: 'false', flag: '--provenance without --rekognition false' },
      {
        name: 'trustedSigners',
        value: 'CN=Acme Studio; O=Acme Retail',
        flag: '--trusted-signer CN=Acme Studio; O=Acme Retail',
      },
      { name: 'requireCredentials', value: 'true', flag: '--require-credentials true' },
      { name: 'provenanceMaxBytes', value: '1048576', flag: '--provenance-max-bytes 1048576' },
    ]);
    expect(
      scanParams({ bucket: 'media', provenance: true, rekognition: true }, now).map((p) => p.name),
    ).toEqual(['bucket', 'provenance']);
  });

  it('pass only --bucket when nothing else is given: the runbook defaults apply', () => {
    expect(scanParams({ bucket: 'media' }, now)).toEqual([
      { name: 'bucket', value: 'media', flag: '--bucket' },
    ]);
  });

  it.each([
    [{ since: 'last week' }, /^--since "last week": expected an ISO 8601 time/],
    [{ since: '2027-01-01' }, /^--since "2027-01-01": is in the future/],
    [{ customLabelsModel: 'arn:aws:s3:::media' }, /^--custom-labels-model arn:aws:s3:::media: expected/],
    [{ labels: [' '] }, /^--labels: a label name is not empty/],
  ])('refuse a bad value (exit 2) naming the flag: %j', (flags, message) => {
    expect(() => scanParams({ bucket: 'media', ...flags }, now)).toThrow(message);
  });
});

describe('drp scan', () => {
  const s3 = mockClient(S3Client);
  const sts = mockClient(STSClient);
  const rekognition = mockClient(RekognitionClient);
  const run = () => ({
    dryRun: false,
    yes: true,
    evidenceDir: join(scratch(), 'ev'),
    exemptPrincipals: [],
    concurrency: 4,
    keyPath: generateKey(scratch()).privateKeyPath,
  });
  const journalOf = (dir: string) => verifyJournal(readFileSync(join(dir, 'journal.jsonl')));

  beforeEach(() => {
    for (const m of [s3, sts, rekognition]) m.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:iam::123456789012:user/alice', Account: '123456789012', UserId: 'AIDA' });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [version('a.jpg'), version('b.png'), version('notes.txt')],
    });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    s3.on(GetObjectLegalHoldCommand).rejects(awsError('NoSuchObjectLockConfiguration', 404));
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'team', Value: 'media' }] });
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'hold' } });
    s3.on(PutObjectTaggingCommand).resolves({ $metadata: { requestId: 'tag' } });
    rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'b.png', Version: 'v-b.png' } },
      })
      .resolves({
        ModerationLabels: [{ Name: 'Explicit Nudity', Confidence: 98.2 }],
        ModerationModelVersion: '7.0',
      });
  });

  it('--dry-run with --quarantine lists and counts, and sends no Rekognition call and no mutating call', async () => {
    const opts = { ...run(), dryRun: true, yes: false };
    const result = await scan({ bucket: 'media', quarantine: true }, opts, testEnv().env);
    expect(result.exitCode).toBe(0);
    expect(result.text).toMatch(/scan\s+planned\s+scan-images s3:\/\/media\/: 2 JPEG\/PNG image\(s\)/);
    expect(result.text).toMatch(/quarantine\s+planned\s+quarantine-findings s3:\/\/media/);
    expect(rekognition.calls()).toHaveLength(0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
    expect(journalOf(opts.evidenceDir).entries.at(-1)).toMatchObject({ type: 'seal', outcome: 'dry-run' });
  });

  it('scans, then quarantines exactly the finding version through the journaled findings artefact', async () => {
    const opts = run();
    const { env } = testEnv();
    const result = await scan({ bucket: 'media', quarantine: true }, opts, env);
    expect(result.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutObjectLegalHoldCommand, { Key: 'b.png', VersionId: 'v-b.png' });
    expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
      Key: 'b.png',
      VersionId: 'v-b.png',
      Tagging: {
        TagSet: [
          { Key: 'team', Value: 'media' },
          { Key: 'drp:quarantine', Value: 'true' },
          { Key: 'drp:incident', Value: expect.stringMatching(/^INC-/) },
        ],
      },
    });
    expect(result.text).toMatch(/! scan: by label: Explicit Nudity 1/);
    expect(result.text).toMatch(
      /! scan: top 1: s3:\/\/media\/b.png \(version v-b.png\) Explicit Nudity 98.2%/,
    );
    const { ok, entries } = journalOf(opts.evidenceDir);
    expect(ok).toBe(true);
    const findings = entries.find((e) => e.type === 'artefact' && e.name === 'findings-scan.jsonl');
    expect(findings).toMatchObject({ path: 'artefacts/findings-scan.jsonl', sha256: expect.any(String) });
    expect(entries.find((e) => e.type === 'result' && e.stepId === 'scan')).toMatchObject({
      outcome: 'applied',
      data: { withFindings: 1, byLabel: { 'Explicit Nudity': 1 }, findings: { sha256: findings!.sha256 } },
    });
    expect(result.json).toMatchObject({
      steps: [
        { id: 'provenance', outcome: 'nothing-to-do' },
        { id: 'scan', data: { withFindings: 1 } },
        { id: 'quarantine' },
        { id: 'quarantine-provenance' },
      ],
    });
  });

  it('without --quarantine, scans and leaves every object as it was', async () => {
    const result = await scan({ bucket: 'media' }, run(), testEnv().env);
    expect(result.exitCode).toBe(0);
    expect(result.text).toMatch(/quarantine\s+nothing-to-do/);
    expect(s3).toHaveReceivedCommandTimes(GetObjectLockConfigurationCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
  });
});
