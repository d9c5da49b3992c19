import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3 } = emulatorClients(endpoint);
const bucket = 'media-scan';

const put = (Key: string, Body: string | Buffer, ContentType: string) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body, ContentType }));

describe('drp scan against the emulator (moto has no Rekognition)', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await put('shots/a.jpg', 'first', 'image/jpeg');
    await put('shots/a.jpg', 'second', 'image/jpeg');
    await put('shots/b.PNG', 'png', 'image/png');
    await put('shots/c.jpeg', 'jpeg', 'image/jpeg');
    await put('uploads/7f3a', 'png', 'image/png');
    await put('uploads/9b2c', 'bin', 'application/octet-stream');
    await put('notes.txt', 'text', 'text/plain');
    await put('raw/huge.jpg', Buffer.alloc(15 * 1024 * 1024 + 1), 'image/jpeg');
  });

  it('--dry-run lists and counts the images, says what it skips and why, and journals the rehearsal', async () => {
    const ev = join(scratch(), 'ev');
    const out = await runDrp(['scan', '--bucket', bucket, '--dry-run', '--evidence-dir', ev], { endpoint });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /\+ scan-images s3:\/\/media-scan\/: 4 JPEG\/PNG image\(s\) \(current versions\): ~4 Rekognition call\(s\), ~1s at 10 calls\/s/,
    );
    expect(out.stdout).toMatch(/! not scanned: not JPEG or PNG 2, larger than 15 MB \(Rekognition limit\) 1/);
    expect(out.stdout).toMatch(/Dry-run: nothing was changed/);
    expect((await runDrp(['verify', join(ev, 'journal.jsonl')])).code).toBe(0);
  });

  it('--since counts every version written in the window, the older version of a.jpg too', async () => {
    const out = await runDrp(
      [
        'scan',
        '--bucket',
        bucket,
        '--since',
        '1h',
        '--prefix',
        'shots/',
        '--dry-run',
        '--evidence-dir',
        join(scratch(), 'ev'),
      ],
      { endpoint },
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/4 JPEG\/PNG image\(s\) \(versions written since \d{4}-/);
  });

  it('--quarantine on a bucket without Object Lock is exit 2 before anything runs, pointing to drp contain', async () => {
    const out = await runDrp(
      ['scan', '--bucket', bucket, '--quarantine', '--dry-run', '--evidence-dir', join(scratch(), 'ev')],
      { endpoint },
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/does not have Object Lock enabled.*drp contain --bucket media-scan/);
  });

  it('a bad --since is exit 2 naming the flag, before any AWS call', async () => {
    const out = await runDrp(['scan', '--bucket', bucket, '--since', 'last week', '--yes'], {
      endpoint: 'http://127.0.0.1:9',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^drp: --since "last week": expected an ISO 8601 time/);
  });

  it('--yes fails the scan step with "endpoint does not implement Rekognition" (exit 1), sealed and verifiable', async () => {
    const ev = join(scratch(), 'ev');
    const out = await runDrp(['scan', '--bucket', bucket, '--yes', '--evidence-dir', ev], { endpoint });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      /scan\s+failed\s+NotImplementedByEndpoint: the endpoint does not implement Rekognition DetectModerationLabels \(HTTP 500, not an AWS reply\); emulators such as moto lack it: run this against AWS/,
    );
    // The scan is onError: continue so a partial scan still quarantines what it found: here nothing.
    expect(out.stdout).toMatch(/^quarantine\s+nothing-to-do/m);
    expect(out.stdout).toMatch(/! scan: stopped after 0 of 4 image\(s\)/);
    expect(out.stdout).not.toMatch(/^\s+at .*\.js:\d+/m);
    expect(out.stderr).not.toMatch(/internal error|Unhandled/);

    const verify = await runDrp(['verify', join(ev, 'journal.jsonl'), '--artefacts']);
    expect(verify.code).toBe(0);
    const notScanned = readFileSync(join(ev, 'artefacts', 'not-scanned-scan.jsonl'), 'utf8');
    expect(notScanned).toMatch(/"key":"raw\/huge.jpg".*"reason":"larger than 15 MB \(Rekognition limit\)"/);
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'shots/b.PNG' }));
    expect(tags.TagSet).toEqual([]);
  });
});
