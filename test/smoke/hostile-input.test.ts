import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import pLimit from 'p-limit';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRP_BIN, drpEnv, runDrp, scratch, type DrpResult } from '../support/drp.js';
import { hostileArgv, type ArgvRefs } from '../support/hostile-argv.js';
import { billionLaughs, hostileText, mutatedRunbook } from '../support/hostile-runbooks.js';
import { journalLines, sampleJournal, writeLines } from '../support/journal.js';

// Nothing here may reach AWS: every call goes to a port where nothing listens, with one attempt.
const UNREACHABLE = 'http://127.0.0.1:9';
const env = () =>
  drpEnv({
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL: UNREACHABLE,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

/** A stack trace, as Node prints it or as a JSON log line carries it. */
const STACK = /(\n|\\n)\s+at \S.*:\d+:\d+/;

/** The failures drp documents for a valid command against an endpoint it cannot reach. */
const DOCUMENTED_FAILURE =
  /^drp: failed: .+\nnext: (the AWS endpoint is unreachable|configure AWS credentials)/m;

/** What every run of drp must be, whatever it was given. */
function expectNoCrash(out: DrpResult, argv: string[]) {
  const what = `drp ${argv.map((a) => JSON.stringify(a)).join(' ')}\nexit ${out.code} ${out.signal ?? ''}\n${out.stdout}\n${out.stderr}`;
  expect(out.signal, what).toBeNull();
  expect([0, 1, 2], what).toContain(out.code);
  expect(out.stderr, what).not.toMatch(STACK);
  expect(out.stdout, what).not.toMatch(STACK);
  expect(out.stderr, what).not.toMatch(/internal error/);
  if (out.code === 1) {
    const command = argv.find((a) =>
      ['contain', 'run', 'harden', 'status', 'validate', 'verify', 'resume'].includes(a),
    );
    const documented =
      DOCUMENTED_FAILURE.test(out.stderr) ||
      (command === 'verify' && /FAILED: |"ok": false/.test(out.stdout)) ||
      (command === 'resume' && /fails verification/.test(out.stderr));
    expect(documented, what).toBe(true);
  }
  const json = argv.indexOf('--output');
  if (json >= 0 && argv[json + 1] === 'json' && out.stdout.trim())
    expect(() => JSON.parse(out.stdout), what).not.toThrow();
}

let work: string;
let refs: ArgvRefs;

beforeAll(async () => {
  work = scratch('drp-hostile-cli-');
  const runbook = join(work, 'book.yaml');
  writeFileSync(
    runbook,
    stringify({
      apiVersion: 'drp/v1',
      name: 'book',
      description: 'Block public access',
      params: { bucket: { type: 'string', required: true } },
      steps: [{ id: 'bpa', type: 's3-block-public-access', with: { bucket: '${{ params.bucket }}' } }],
    }),
  );
  const garbage = join(work, 'garbage.bin');
  writeFileSync(garbage, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x0a, 0x22]));
  const sealed = await sampleJournal();
  const unsealedDir = join(work, 'unsealed');
  const unsealed = await sampleJournal(undefined, unsealedDir);
  writeLines(unsealed.path, journalLines(unsealed.path).slice(0, 2));
  const pub = join(work, 'key.pub.pem');
  writeFileSync(pub, sealed.signer.publicKeyPem);
  mkdirSync(join(work, 'a-dir'));
  refs = {
    runbooks: [
      runbook,
      'deepfake-s3-leak',
      'scan-synthetic-media',
      garbage,
      join(work, 'a-dir'),
      join(work, 'missing.yaml'),
    ],
    journals: [sealed.path, unsealed.path, garbage, join(work, 'a-dir'), join(work, 'missing.jsonl')],
    pubkeys: [pub, garbage, runbook],
  };
});

describe('hostile command lines: never a crash, a clear exit 0 or 2 (1 only as documented)', () => {
  it('contain, run, validate, verify and resume with random flags and values', async () => {
    const cases = fc.sample(hostileArgv(refs), { seed: 20261125, numRuns: 36 });
    const limit = pLimit(2);
    // Every case runs and every failure is reported, not only the first.
    const failures = (
      await Promise.all(
        cases.map((argv, i) =>
          limit(async () => {
            const cwd = join(work, `cwd-${i}`, 'a', 'b');
            mkdirSync(cwd, { recursive: true });
            const out = await runDrp(['--endpoint-url', UNREACHABLE, ...argv], {
              env: env(),
              cwd,
              timeoutMs: 60_000,
            });
            try {
              expectNoCrash(out, argv);
              return [];
            } catch (err) {
              return [(err as Error).message.split('\n').slice(0, 6).join('\n')];
            }
          }),
        ),
      )
    ).flat();
    expect(failures).toEqual([]);
  });

  it('a valid contain against an unreachable endpoint is exit 1 with the reason and what to check, no stack', async () => {
    const argv = ['contain', '--bucket', 'media-prod', '--dry-run', '--evidence-dir', join(work, 'ev')];
    const out = await runDrp(['--endpoint-url', UNREACHABLE, ...argv], { env: env(), cwd: work });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /^drp: failed: STS\.GetCallerIdentity: connect ECONNREFUSED 127\.0\.0\.1:9\nnext: the AWS endpoint is unreachable: check --endpoint-url/m,
    );
    expectNoCrash(out, argv);
  });
});

describe('hostile runbooks through the real binary', () => {
  it('drp validate on generated and mutated runbook files: exit 0 or 2, every file reported', async () => {
    const files = fc.sample(
      fc.oneof(
        hostileText.map((t) => t.bytes),
        mutatedRunbook.map((m) => stringify(m.doc)),
      ),
      {
        seed: 72,
        numRuns: 60,
      },
    );
    const batches = Array.from({ length: 6 }, (_, b) =>
      files.slice(b * 10, b * 10 + 10).map((bytes, i) => {
        const path = join(work, `book-${b}-${i}.yaml`);
        writeFileSync(path, bytes);
        return path;
      }),
    );
    for (const batch of batches) {
      const argv = ['--output', 'json', 'validate', ...batch];
      const out = await runDrp(argv, { env: env() });
      expectNoCrash(out, argv);
      expect([0, 2]).toContain(out.code);
      const report = JSON.parse(out.stdout) as { results: { ref: string }[] };
      expect(report.results.map((r) => r.ref)).toEqual(batch);
    }
  });

  it('a billion-laughs runbook is refused, exit 2, in bounded memory', async () => {
    const bomb = join(work, 'laughs.yaml');
    writeFileSync(bomb, billionLaughs());
    const rssFile = join(work, 'max-rss');
    const preload = pathToFileURL(resolve(import.meta.dirname, '../support/max-rss.mjs')).href;
    const out = await new Promise<DrpResult>((done) => {
      const child = spawn(process.execPath, ['--import', preload, DRP_BIN, 'validate', bomb], {
        env: { ...env(), DRP_MAX_RSS_FILE: rssFile },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(2);
    expect(out.stdout).toMatch(/Excessive alias count .* \(YAML aliases are limited to 100\)/);
    // Expanded, the file is 9^9 strings (gigabytes); refused, it is a Node process reading a page.
    const peakKiB = Number(readFileSync(rssFile, 'utf8'));
    expect(peakKiB).toBeGreaterThan(0);
    expect(peakKiB).toBeLessThan(256 * 1024);
  });
});
