import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectLegalHoldCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Entry } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { DRP_BIN, drpEnv, runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, organizations } = emulatorClients(endpoint);
const bucket = 'half-locked';
const OBJECTS = 150;
const incident = 'INC-RESUME-1';

async function versions(): Promise<ObjectVersion[]> {
  const all: ObjectVersion[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker }));
    all.push(...(page.Versions ?? []));
    [KeyMarker, VersionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [];
  } while (KeyMarker);
  return all;
}

const holdOf = (v: ObjectVersion) =>
  s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId })).then(
    (o) => o.LegalHold?.Status ?? 'none',
    () => 'none',
  );

async function holds(): Promise<string[]> {
  const all = await versions();
  const out: string[] = [];
  for (let i = 0; i < all.length; i += 25) out.push(...(await Promise.all(all.slice(i, i + 25).map(holdOf))));
  return out;
}

/** The journal's entries, unverified, read while another process appends to it. */
function peek(journal: string): Entry[] {
  if (!existsSync(journal)) return [];
  return readFileSync(journal, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        const { payload } = JSON.parse(line) as { payload: string };
        return [JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Entry];
      } catch {
        return []; // a line being written
      }
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `drp contain` and kills it with SIGKILL once the legal-holds step has journaled its
 * intent and some legal holds are on (the first version listed is held first), so the kill lands
 * in the middle of the holds.
 */
async function containKilledMidHolds(args: string[], journal: string, first: ObjectVersion) {
  const child = spawn(process.execPath, [DRP_BIN, '--endpoint-url', endpoint, ...args], {
    env: drpEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('close', (_code, signal) => resolve(signal)),
  );
  const deadline = Date.now() + 60_000;
  while (!peek(journal).some((e) => e.type === 'intent' && e.stepId === 'legal-holds')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no legal-holds intent: ${stderr}`);
    await sleep(20);
  }
  while ((await holdOf(first)) !== 'ON') {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no hold placed: ${stderr}`);
    await sleep(20);
  }
  child.kill('SIGKILL');
  return exited;
}

describe('drp resume after kill -9 in the middle of the legal holds, finishing them on worker threads', () => {
  const dir = join(scratch(), 'ev');
  const journal = join(dir, 'journal.jsonl');
  const key = join(scratch(), 'keys');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const keys = Array.from({ length: OBJECTS }, (_, i) => `clips/${String(i).padStart(4, '0')}.mp4`);
    for (let i = 0; i < keys.length; i += 25)
      await Promise.all(
        keys
          .slice(i, i + 25)
          .flatMap((k) => [
            s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: `v1 ${k}` })),
            s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: `v2 ${k}` })),
          ]),
      );
    await seedOrganization(organizations);
    expect((await runDrp(['keygen', '--out', key])).code).toBe(0);
  });

  it('finishes the run: every version held, no step applied twice, and the journal verifies', async () => {
    const all = await versions();
    expect(all).toHaveLength(OBJECTS * 2);
    const first = all[0]!;
    const signal = await containKilledMidHolds(
      ['--incident', incident, 'contain', '--bucket', bucket, '--yes', '--concurrency', '2'].concat([
        '--evidence-dir',
        dir,
        '--key',
        join(key, 'signing-key.pem'),
      ]),
      journal,
      first,
    );
    expect(signal).toBe('SIGKILL');
    const cut = peek(journal);
    expect(cut.some((e) => e.type === 'result' && e.stepId === 'legal-holds')).toBe(false);
    // Isolate first: the deny was in place before the holds began.
    expect(cut.some((e) => e.type === 'result' && e.stepId === 'deny-policy')).toBe(true);
    expect(cut.some((e) => e.type === 'seal')).toBe(false);
    // Killed mid-step: the first version listed is held, the last is not yet.
    expect([await holdOf(first), await holdOf(all.at(-1)!)]).toEqual(['ON', 'none']);
    // The resume finishes the holds on two worker threads (forced: the bucket is below the default's
    // 2,000 versions), each with its own client and the run's credentials.
    const out = await runDrp(
      [
        '--log-level',
        'info',
        'resume',
        journal,
        '--yes',
        '--workers',
        '2',
        '--key',
        join(key, 'signing-key.pem'),
      ],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stderr).toMatch(/"workers":2.*legal-hold: on worker threads/);
    expect(await holds()).toEqual(all.map(() => 'ON'));

    const verification = verifyJournal(readFileSync(journal));
    expect(verification.ok, JSON.stringify(verification.failure)).toBe(true);
    const results = verification.entries.filter((e) => e.type === 'result');
    const perStep = new Map<string, number>();
    for (const r of results) perStep.set(String(r.stepId), (perStep.get(String(r.stepId)) ?? 0) + 1);
    expect([...perStep.values()].every((n) => n === 1)).toBe(true);
    expect(results.find((r) => r.stepId === 'legal-holds')).toMatchObject({ outcome: 'applied' });
    expect(verification.entries.filter((e) => e.type === 'resume')).toHaveLength(1);
    expect((await runDrp(['verify', journal])).code).toBe(0);
  });

  it('a restore of the resumed run with --release-holds releases the holds of both halves', async () => {
    const out = await runDrp(
      ['restore', journal, '--only', 'legal-holds', '--release-holds', '--yes', '--concurrency', '8'],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`release-legal-hold s3://${bucket}: ${OBJECTS * 2} version`));
    expect((await holds()).every((h) => h === 'OFF' || h === 'none')).toBe(true);
  });
});
