import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketLoggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, cloudtrail } = emulatorClients(endpoint);
const ACCT = '123456789012';
const BUCKET = 'product-media-prod';
const TRAIL_BUCKET = 'org-trail-logs';
const LOG_BUCKET = 'product-media-logs';
const EVIDENCE = `drp-evidence-${ACCT}-us-east-1`;
const INCIDENT = 'INC-SMOKE-PRESERVE';

const pad = (n: number) => String(n).padStart(2, '0');
const now = Date.now();
const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
const day = (t: Date) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
const stamp = (t: Date) =>
  `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}`;

/** The real CloudTrail layout: a log file and the digest file of the same hour. */
const trailFiles = (t: Date) => [
  `ct/AWSLogs/${ACCT}/CloudTrail/us-east-1/${day(t)}/${ACCT}_CloudTrail_us-east-1_${stamp(t)}Z_a1b2c3d4.json.gz`,
  `ct/AWSLogs/${ACCT}/CloudTrail-Digest/us-east-1/${day(t)}/${ACCT}_CloudTrail-Digest_us-east-1_main-trail_us-east-1_${stamp(t)}00Z.json.gz`,
];
const accessLog = (t: Date) =>
  `access/${day(t).replace(/\//g, '-')}-${pad(t.getUTCHours())}-${pad(t.getUTCMinutes())}-00-0A1B2C3D4E5F6071`;

// --since 2d: 1, 20 and 46 hours ago are inside the window; 50 hours (often the same day as
// 46) and 100 hours ago are not.
const INSIDE = [1, 20, 46].map(hoursAgo);
const OUTSIDE = [50, 100].map(hoursAgo);

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('drp preserve against the emulator', () => {
  const evidenceDir = join(scratch(), 'ev');
  let stdout = '';

  beforeAll(async () => {
    for (const b of [BUCKET, TRAIL_BUCKET, LOG_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'deepfake.mp4', Body: 'synthetic' }));
    await cloudtrail.send(
      new CreateTrailCommand({
        Name: 'main-trail',
        S3BucketName: TRAIL_BUCKET,
        S3KeyPrefix: 'ct',
        IsMultiRegionTrail: true,
      }),
    );
    // moto never writes log files: they are seeded where CloudTrail would put them.
    await cloudtrail.send(new StartLoggingCommand({ Name: 'main-trail' }));
    for (const t of [...INSIDE, ...OUTSIDE])
      for (const key of trailFiles(t))
        await s3.send(new PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: key, Body: `gzip of ${key}` }));
    // S3's log delivery group may write to the log bucket (moto checks for it, as S3 once did).
    const logDelivery = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"';
    await s3.send(
      new PutBucketAclCommand({ Bucket: LOG_BUCKET, GrantWrite: logDelivery, GrantReadACP: logDelivery }),
    );
    await s3.send(
      new PutBucketLoggingCommand({
        Bucket: BUCKET,
        BucketLoggingStatus: { LoggingEnabled: { TargetBucket: LOG_BUCKET, TargetPrefix: 'access/' } },
      }),
    );
    for (const t of [...INSIDE, ...OUTSIDE])
      await s3.send(
        new PutObjectCommand({ Bucket: LOG_BUCKET, Key: accessLog(t), Body: `log of ${t.toISOString()}` }),
      );

    const out = await runDrp(
      [
        '--incident',
        INCIDENT,
        'preserve',
        '--bucket',
        BUCKET,
        '--since',
        '2d',
        '--user',
        'alice',
        '--yes',
        '--evidence-dir',
        evidenceDir,
      ],
      { endpoint },
    );
    stdout = out.stdout;
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
  });

  it('creates the evidence bucket with Object Lock, a default retention, versioning, Block Public Access and encryption', async () => {
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: EVIDENCE }));
    expect(lock.ObjectLockConfiguration).toMatchObject({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
    });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: EVIDENCE }))).Status).toBe('Enabled');
    expect(
      (await s3.send(new GetPublicAccessBlockCommand({ Bucket: EVIDENCE }))).PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const sse = await s3.send(new GetBucketEncryptionCommand({ Bucket: EVIDENCE }));
    expect(
      sse.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
  });

  it('holds exactly the CloudTrail log and digest files inside the window', async () => {
    expect(await keysUnder(EVIDENCE, `incidents/${INCIDENT}/cloudtrail/`)).toEqual(
      INSIDE.flatMap(trailFiles)
        .map((k) => `incidents/${INCIDENT}/cloudtrail/${TRAIL_BUCKET}/${k}`)
        .sort(),
    );
  });

  it('holds the access log files inside the window and none before it', async () => {
    const copied = await keysUnder(EVIDENCE, `incidents/${INCIDENT}/access-logs/${LOG_BUCKET}/`);
    const source = (k: string) => k.slice(`incidents/${INCIDENT}/access-logs/${LOG_BUCKET}/`.length);
    for (const t of INSIDE) expect(copied.map(source)).toContain(accessLog(t));
    for (const t of OUTSIDE) expect(copied.map(source)).not.toContain(accessLog(t));
  });

  it('holds the journal, every artefact and a head.json, identical to the local ones', async () => {
    const location = /anchored: s3:\/\/[^/]+\/(incidents\/[^ ]+\/) /.exec(stdout)?.[1];
    expect(location).toMatch(new RegExp(`^incidents/${INCIDENT}/journals/[0-9a-f-]{36}/$`));
    const keys = await keysUnder(EVIDENCE, location!);
    expect(keys).toEqual(
      [
        'head.json',
        'journal.jsonl',
        'artefacts/s3-config-product-media-prod.json',
        'artefacts/cloudtrail-status.json',
        'artefacts/cloudtrail-logs-manifest.jsonl',
        'artefacts/access-logs-manifest-product-media-prod.jsonl',
      ]
        .map((k) => `${location}${k}`)
        .sort(),
    );
    const journal = await s3.send(
      new GetObjectCommand({ Bucket: EVIDENCE, Key: `${location}journal.jsonl` }),
    );
    expect(Buffer.from(await journal.Body!.transformToByteArray())).toEqual(
      readFileSync(join(evidenceDir, 'journal.jsonl')),
    );
    const manifest = readFileSync(join(evidenceDir, 'artefacts/cloudtrail-logs-manifest.jsonl'), 'utf8');
    expect(manifest.trim().split('\n')).toHaveLength(INSIDE.length * 2);
  });

  it('puts a legal hold on every object it wrote', async () => {
    const keys = await keysUnder(EVIDENCE, `incidents/${INCIDENT}/`);
    expect(keys.length).toBeGreaterThan(INSIDE.length * 3 + 4);
    for (const key of keys) {
      const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: EVIDENCE, Key: key }));
      expect(hold.LegalHold?.Status, key).toBe('ON');
    }
  });

  it('records the findings: no S3 data events, and LookupEvents not available from this endpoint', () => {
    expect(stdout).toMatch(/evidence is missing: no trail records S3 data events for product-media-prod/);
    // Not applicable (the emulator lacks the operation), never "nothing-to-do".
    expect(stdout).toMatch(
      /^export-cloudtrail-events\s+not-applicable\s+CloudTrail\.LookupEvents is not available from this endpoint/m,
    );
  });

  it('verify --artefacts --anchor passes, and fails once the local journal is cut short', async () => {
    const journal = join(evidenceDir, 'journal.jsonl');
    const anchor = `s3://${EVIDENCE}/incidents/${INCIDENT}/`;
    const ok = await runDrp(['verify', journal, '--artefacts', '--anchor', anchor], { endpoint });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK: anchored copy s3:\/\/.* matches/);

    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    writeFileSync(
      journal,
      lines
        .slice(0, 5)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const cut = await runDrp(['verify', journal, '--anchor', anchor], { endpoint });
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(
      new RegExp(
        `the local journal has 5 entries, the anchored copy ${lines.length}: the local journal was cut short after line 5`,
      ),
    );
  });

  it('a second run for the same incident copies no log file twice', async () => {
    const again = await runDrp(
      [
        '--incident',
        INCIDENT,
        'preserve',
        '--bucket',
        BUCKET,
        '--since',
        '2d',
        '--yes',
        '--evidence-dir',
        join(scratch(), 'ev'),
      ],
      { endpoint },
    );
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/evidence-bucket\s+nothing-to-do/);
    expect(again.stdout).toMatch(/preserve-cloudtrail-logs\s+nothing-to-do/);
  });

  it('refuses an evidence bucket without Object Lock: exit 1, and nothing is stored in it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mutable-evidence' }));
    const out = await runDrp(
      [
        'preserve',
        '--bucket',
        BUCKET,
        '--evidence-bucket',
        'mutable-evidence',
        '--yes',
        '--evidence-dir',
        join(scratch(), 'ev'),
      ],
      { endpoint },
    );
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/evidence-bucket\s+failed\s+.*"mutable-evidence" exists without Object Lock/);
    expect(out.stdout).toMatch(/preserve-cloudtrail-logs\s+skipped/);
    expect(out.stdout).toMatch(/journal not anchored/);
    expect(await keysUnder('mutable-evidence', '')).toEqual([]);
  });
});
