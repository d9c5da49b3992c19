import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

// docs/journal.md promises that a journal can be checked without drp, with jq and OpenSSL 3. This
// runs that recipe, exactly as the page prints it, on a journal the real binary wrote and signed.

const run = promisify(execFile);
const endpoint = inject('motoUrl');
const { s3 } = emulatorClients(endpoint);

function recipeFromDocs(): string {
  const page = readFileSync(resolve(import.meta.dirname, '../../docs/journal.md'), 'utf8');
  const section = page.slice(page.indexOf('## Checking a journal without drp'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('docs/journal.md: no sh block under "Checking a journal without drp"');
  return block[1]!;
}

/** Runs the recipe for line `n` in `dir` (which holds journal.jsonl and signing-key.pub.pem). */
const recipe = (dir: string, n: number) =>
  run('bash', ['-c', recipeFromDocs()], { cwd: dir, env: { PATH: process.env.PATH, N: String(n) } });

let dir: string;
let lines: string[];

describe('checking a journal without drp (docs/journal.md)', () => {
  beforeAll(async () => {
    dir = scratch('drp-recipe-');
    const bucket = 'recipe-media-prod';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    expect((await runDrp(['keygen', '--out', dir])).code).toBe(0);
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(
      runbook,
      [
        'apiVersion: drp/v1',
        'name: recipe',
        'description: One step, for a journal to check',
        'steps:',
        '  - { id: bpa, type: s3-block-public-access, with: { bucket: recipe-media-prod } }',
      ].join('\n'),
    );
    const out = await runDrp(
      ['run', runbook, '--yes', '--key', join(dir, 'signing-key.pem'), '--evidence-dir', dir],
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
    lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(4); // genesis, intent, result, seal
  });

  it('verifies every line with OpenSSL, and each PAE hashes to the next line\'s "prev"', async () => {
    for (let n = 1; n <= lines.length; n++) {
      const { stdout } = await recipe(dir, n);
      expect(stdout).toContain('Signature Verified Successfully');
      const hash = /^([0-9a-f]{64}) {2}pae\.bin$/m.exec(stdout)?.[1];
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const next = lines[n];
      if (next) {
        const payload = JSON.parse(Buffer.from(JSON.parse(next).payload, 'base64').toString()) as {
          prev: string;
        };
        expect(payload.prev).toBe(hash);
      }
    }
  });

  it('fails a line whose payload was changed', async () => {
    const envelope = JSON.parse(lines[1]!) as { payload: string };
    const entry = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { seq: number };
    entry.seq = 7;
    envelope.payload = Buffer.from(JSON.stringify(entry)).toString('base64');
    const tampered = scratch('drp-recipe-tampered-');
    writeFileSync(
      join(tampered, 'journal.jsonl'),
      [lines[0], JSON.stringify(envelope), ...lines.slice(2)].join('\n'),
    );
    writeFileSync(join(tampered, 'signing-key.pub.pem'), readFileSync(join(dir, 'signing-key.pub.pem')));
    // The recipe goes on to print the hash either way: what the reader sees is OpenSSL's verdict.
    const { stdout } = await recipe(tampered, 2);
    expect(stdout).toContain('Signature Verification Failure');
    expect(stdout).not.toContain('Signature Verified Successfully');
  });
});
