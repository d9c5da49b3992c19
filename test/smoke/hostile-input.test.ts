import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import pLimit from 'p-limit';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRP_BIN, drpEnv, runDrp, scratch, type DrpResult } from '../support/drp.js';
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
    const command = argv.find((a) => ['contain', 'run', 'validate', 'verify', 'resume'].includes(a));
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
let refs: { runbooks: string[]; journals: string[]; pubkeys: string[] };

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

const INTERESTING = [
  '',
  '-',
  '--',
  '--yes',
  '-h',
  '../../../etc/passwd',
  'a'.repeat(3000),
  'media-prod',
  'Media_Prod',
  'xn--media',
  '192.168.5.4',
  'arn:aws:iam::123456789012:role/ops/Responder',
  'arn:aws:sts::123456789012:assumed-role/Responder/alice',
  'arn:aws:lambda:us-east-1:123456789012:function:resizer',
  '123456789012',
  'ou-ab12-34cd56ef',
  '0',
  '-1',
  '513',
  '99999999999999999999',
  '1e3',
  'NaN',
  'true',
  '2026-11-25T03:00:00Z',
  'us-east-1',
  '${{ params.bucket }}',
  '$(id)',
  '\u202egnp.exe',
  'ünï 🎭',
  'json',
  'text',
  'INC-2041',
];
const value = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INTERESTING) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  )
  .map((v) => v.replace(/\0/g, '')); // argv cannot carry NUL

const RUN_FLAGS = [
  '--exempt-principal',
  '--concurrency',
  '--evidence-dir',
  '--evidence-bucket',
  '--detected-at',
  '--key',
  '--kms-key-id',
  '--operator',
  '--bogus',
];
const COMMANDS: Record<
  string,
  { flags: string[]; switches: string[]; positional?: 'runbooks' | 'journals' }
> = {
  contain: {
    flags: [
      '--bucket',
      '--bucket',
      '--user',
      '--role',
      '--function',
      '--api',
      '--scp-target',
      '--retention-days',
      '--runbook',
      ...RUN_FLAGS,
    ],
    switches: ['--dry-run', '--yes'],
  },
  run: {
    flags: ['--param', '--param', ...RUN_FLAGS],
    switches: ['--dry-run', '--yes'],
    positional: 'runbooks',
  },
  validate: { flags: ['--bogus'], switches: [], positional: 'runbooks' },
  verify: { flags: ['--pubkey'], switches: ['--artefacts'], positional: 'journals' },
  resume: { flags: ['--concurrency', '--key', '--kms-key-id'], switches: ['--yes'], positional: 'journals' },
};
const GLOBAL_FLAGS = ['--region', '--profile', '--incident', '--output', '--log-level'];

/** argv for drp: global flags, a command, its positional argument, its flags with hostile values. */
const argvArb = fc
  .record({
    command: fc.constantFrom(...Object.keys(COMMANDS)),
    globals: fc.array(fc.tuple(fc.constantFrom(...GLOBAL_FLAGS), value), { maxLength: 2 }),
    positional: fc.oneof(fc.nat(), value),
    flags: fc.array(fc.tuple(fc.nat(), value), { maxLength: 5 }),
    switches: fc.array(fc.nat(), { maxLength: 2 }),
    paramValue: value,
  })
  .map(({ command, globals, positional, flags, switches, paramValue }) => {
    const spec = COMMANDS[command]!;
    const argv = [...globals.flat(), command];
    if (spec.positional)
      argv.push(
        typeof positional === 'number'
          ? refs[spec.positional][positional % refs[spec.positional].length]!
          : positional,
      );
    for (const [i, v] of flags) {
      const flag = spec.flags[i % spec.flags.length]!;
      const pubkey = refs.pubkeys[i % refs.pubkeys.length]!;
      argv.push(
        flag,
        flag === '--param' ? `bucket=${paramValue}` : flag === '--pubkey' && i % 2 ? pubkey : v,
      );
    }
    for (const i of switches) if (spec.switches.length) argv.push(spec.switches[i % spec.switches.length]!);
    return argv;
  });

describe('hostile command lines: never a crash, a clear exit 0 or 2 (1 only as documented)', () => {
  it('contain, run, validate, verify and resume with random flags and values', async () => {
    const cases = fc.sample(argvArb, { seed: 20261125, numRuns: 36 });
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
