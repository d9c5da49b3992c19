import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectLegalHoldCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';
import { FIXTURES, STUDIO } from '../support/provenance-fixtures.js';

const endpoint = inject('motoUrl');
const { s3 } = emulatorClients(endpoint);
const bucket = 'media-provenance';

/** What each fixture is, by the classes of issue 19 (the studio signer is --trusted-signer). */
const EXPECTED: Record<string, string> = {
  'ai-signed.jpg': 'declared-ai',
  'ai-signed.png': 'declared-ai',
  'xmp-ai-only.jpg': 'declared-ai',
  'xmp-ai-only.png': 'declared-ai',
  'studio-signed.jpg': 'trusted',
  'studio-signed.png': 'trusted',
  'photographer-signed.jpg': 'untrusted',
  'studio-signed-tampered.jpg': 'invalid',
  'xmp-capture-only.jpg': 'none',
  'nothing.jpg': 'none',
  'nothing.png': 'none',
};

const jsonl = (dir: string, prefix: string) => {
  const name = readdirSync(join(dir, 'artefacts')).find((f) => f.startsWith(prefix))!;
  return readFileSync(join(dir, 'artefacts', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { key: string; class: string; versionId: string; evidence?: unknown });
};

// moto has no Rekognition detection: --provenance alone must need none, so this runs the binary
// with no Rekognition endpoint at all behind it.
describe('drp scan --provenance against the emulator', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    for (const name of Object.keys(EXPECTED))
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `catalogue/${name}`,
          Body: readFileSync(join(FIXTURES, name)),
        }),
      );
    // Non-image bytes with an image extension.
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'catalogue/fake.jpg', Body: '<html>not a photo</html>' }),
    );
  });

  it('--dry-run estimates the bytes it will read and reads none', async () => {
    const out = await runDrp(
      ['scan', '--bucket', bucket, '--provenance', '--dry-run', '--evidence-dir', join(scratch(), 'ev')],
      {
        endpoint,
      },
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /read-provenance s3:\/\/media-provenance\/: 12 image\(s\) \(current versions\): 12 ranged read\(s\) of the first 64\.0 KiB/,
    );
  });

  it('classifies every fixture, records the evidence, and quarantines exactly the findings', async () => {
    const ev = join(scratch(), 'ev');
    const out = await runDrp(
      [
        'scan',
        '--bucket',
        bucket,
        '--provenance',
        '--trusted-signer',
        STUDIO,
        '--quarantine',
        '--yes',
        '--evidence-dir',
        ev,
      ],
      { endpoint },
    );
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /by class: declared-ai 4, none 3, trusted 2, invalid 1, unreadable 1, untrusted 1/,
    );
    expect(out.stdout).toMatch(/signers: .*CN=Acme Studio, O=Acme Retail 3/);

    const inventory = jsonl(ev, 'provenance-provenance');
    const classOf = Object.fromEntries(inventory.map((l) => [l.key.replace('catalogue/', ''), l.class]));
    expect(classOf).toEqual({ ...EXPECTED, 'fake.jpg': 'unreadable' });

    const findings = jsonl(ev, 'findings-provenance');
    expect(findings.map((f) => f.key.replace('catalogue/', '')).sort()).toEqual([
      'ai-signed.jpg',
      'ai-signed.png',
      'studio-signed-tampered.jpg',
      'xmp-ai-only.jpg',
      'xmp-ai-only.png',
    ]);
    expect(findings.find((f) => f.key.endsWith('ai-signed.png'))).toMatchObject({
      class: 'declared-ai',
      evidence: {
        manifest: {
          generator: 'Imagine Test Generator/2.1',
          signer: { subject: 'CN=Imagine Test Generator, O=Synthetic Images Ltd' },
          sourceTypes: ['http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'],
        },
      },
    });

    // The report's provenance section, for AI-governance and legal readers.
    const report = await runDrp(['report', join(ev, 'journal.jsonl'), '--format', 'md']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/## Content provenance \(C2PA\)/);
    expect(report.stdout).toMatch(
      /By class: declared-ai 4 \(the file itself declares AI-generated or synthetic content\)/,
    );
    expect(report.stdout).toMatch(/Claim generators .*Imagine Test Generator.2\.1 2/);

    // The emulator's state: each finding version held and tagged, nothing else touched.
    const versions = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions ?? [];
    for (const v of versions) {
      const hold = await s3
        .send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }))
        .then((r) => r.LegalHold?.Status)
        .catch(() => undefined);
      const tags = (
        await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }))
      ).TagSet;
      const found = findings.some((f) => f.key === v.Key && f.versionId === v.VersionId);
      expect([v.Key, hold === 'ON']).toEqual([v.Key, found]);
      expect([v.Key, tags?.some((t) => t.Key === 'drp:quarantine')]).toEqual([v.Key, found]);
    }
  });

  it('--require-credentials makes images without credentials, and untrusted ones, findings too', async () => {
    const ev = join(scratch(), 'ev');
    const out = await runDrp(
      [
        'scan',
        '--bucket',
        bucket,
        '--provenance',
        '--trusted-signer',
        STUDIO,
        '--require-credentials',
        '--yes',
        '--evidence-dir',
        ev,
      ],
      { endpoint },
    );
    expect(out.code).toBe(0);
    const findings = jsonl(ev, 'findings-provenance').map((f) => f.class);
    expect(findings.filter((c) => c === 'none')).toHaveLength(3);
    expect(findings.filter((c) => c === 'untrusted')).toHaveLength(1);
    expect(findings).not.toContain('trusted');
  });

  it('a Rekognition flag with --provenance alone is exit 2 naming it, before any AWS call', async () => {
    const out = await runDrp(
      ['scan', '--bucket', bucket, '--provenance', '--min-confidence', '90', '--yes'],
      {
        endpoint: 'http://127.0.0.1:9',
      },
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--min-confidence is a Rekognition flag/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
