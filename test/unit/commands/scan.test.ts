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
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SCAN_FLAGS } from '../../../src/cli/bucket-flags.js';
import { flagValues } from '../../../src/cli/flag-table.js';
import { scan } from '../../../src/commands/scan.js';
import { checkModeFlags, modeParams } from '../../../src/commands/scan-provenance-flags.js';
import { scanParams } from '../../support/flag-params.js';
import { generateKey } from '../../../src/journal/keys.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { awsError, MODEL_ARN, version } from '../../support/scan-fixtures.js';
import { stubCaller } from '../../support/sts.js';

const now = new Date('2026-11-25T03:00:00Z');

describe('drp scan flags', () => {
  it('map to the runbook params, typed (a number stays a number, a repeated flag is one list)', () => {
    expect(
      scanParams(
        {
          bucket: 'media',
          prefix: 'shots/',
          since: '7d',
          minConfidence: 90,
          labels: ['Explicit Nudity', 'Violence'],
          customLabelsModel: MODEL_ARN,
          quarantine: true,
          maxTps: 5,
        },
        now,
      ),
    ).toEqual([
      { name: 'bucket', typed: 'media', flag: '--bucket' },
      { name: 'prefix', typed: 'shots/', flag: '--prefix' },
      { name: 'since', typed: '7d', flag: '--since' },
      { name: 'minConfidence', typed: 90, flag: '--min-confidence' },
      { name: 'customLabelsModel', typed: MODEL_ARN, flag: '--custom-labels-model' },
      { name: 'labels', typed: ['Explicit Nudity', 'Violence'], flag: '--labels' },
      { name: 'quarantine', typed: true, flag: '--quarantine' },
      { name: 'maxTps', typed: 5, flag: '--max-tps' },
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

  it('pass only --bucket when nothing else is given: the runbook defaults apply', () => {
    expect(scanParams({ bucket: 'media' }, now)).toEqual([
      { name: 'bucket', typed: 'media', flag: '--bucket' },
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

describe('drp scan mode flags', () => {
  const values = (opts: Record<string, unknown>) => flagValues(SCAN_FLAGS, { bucket: 'media', ...opts });

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
    [{ rekognition: true }, /^--rekognition goes with --provenance/],
  ])('refuse flags that do not fit together, naming the flag (exit 2): %#', (opts, message) => {
    expect(() => checkModeFlags(values(opts))).toThrow(message);
  });

  it('--provenance alone turns Rekognition off; with --rekognition both run', () => {
    expect(modeParams(values({ provenance: true }))).toEqual([
      { name: 'rekognition', typed: false, flag: '--provenance without --rekognition' },
    ]);
    expect(modeParams(values({ provenance: true, rekognition: true }))).toEqual([]);
    expect(modeParams(values({}))).toEqual([]);
  });

  it('a trusted signer DN keeps its commas: each --trusted-signer is one signer', () => {
    const signer = 'CN=Acme Studio, O=Acme Retail';
    expect(scanParams({ bucket: 'media', provenance: true, trustedSigner: [signer] }, now)).toContainEqual({
      name: 'trustedSigners',
      typed: [signer],
      flag: '--trusted-signer',
    });
    expect(() => scanParams({ bucket: 'media', trustedSigner: ['Acme Studio'] }, now)).toThrow(
      /^--trusted-signer "Acme Studio": give the signing certificate's subject DN/,
    );
  });

  it('--custom-label feeds customLabels, as a list', () => {
    expect(
      scanParams({ bucket: 'media', customLabelsModel: MODEL_ARN, customLabel: ['synthetic'] }, now),
    ).toContainEqual({ name: 'customLabels', typed: ['synthetic'], flag: '--custom-label' });
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
    stubCaller(sts);
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
    const result = await scan(
      flagValues(SCAN_FLAGS, { bucket: 'media', quarantine: true }),
      opts,
      testEnv().env,
    );
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
    const result = await scan(flagValues(SCAN_FLAGS, { bucket: 'media', quarantine: true }), opts, env);
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
        // Without --securityhub the Security Hub report plans nothing.
        { id: 'securityhub-report', outcome: 'nothing-to-do' },
      ],
    });
  });

  it('a partial scan (an image Rekognition could not read) still quarantines the findings it made, then exits 1', async () => {
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'a.jpg', Version: 'v-a.jpg' } },
      })
      .rejects(awsError('InvalidS3ObjectException', 400));
    const result = await scan(
      flagValues(SCAN_FLAGS, { bucket: 'media', quarantine: true }),
      run(),
      testEnv().env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.json).toMatchObject({
      steps: [{}, { id: 'scan', outcome: 'failed' }, { id: 'quarantine', outcome: 'applied' }, {}, {}],
    });
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 1);
    expect(s3).toHaveReceivedCommandWith(PutObjectLegalHoldCommand, { Key: 'b.png', VersionId: 'v-b.png' });
  });

  it('without --quarantine, scans and leaves every object as it was', async () => {
    const result = await scan(flagValues(SCAN_FLAGS, { bucket: 'media' }), run(), testEnv().env);
    expect(result.exitCode).toBe(0);
    expect(result.text).toMatch(/quarantine\s+nothing-to-do/);
    expect(s3).toHaveReceivedCommandTimes(GetObjectLockConfigurationCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
  });
});
