#!/usr/bin/env node
// A transcript of drp's command-line surface: `--help` of every command and the error paths a
// refactor must not change (stdout, stderr, exit code of each), one file per case. Run it before
// and after a change and compare the two directories byte for byte:
//   npm run build && node test/support/cli-transcript.mjs /tmp/before
//   ...change, build...
//   node test/support/cli-transcript.mjs /tmp/after && diff -r /tmp/before /tmp/after
// No case reaches AWS: the endpoint is a closed port, and the cases fail before any call or on it.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const out = resolve(process.argv[2] ?? 'cli-transcript');
const bin = resolve(import.meta.dirname, '../../dist/cli.js');
// A fixed scratch path, so the paths drp prints are the same in both transcripts.
const work = '/tmp/drp-cli-transcript-work';
rmSync(work, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(join(work, 'home'), { recursive: true });
mkdirSync(out, { recursive: true });

const key = join(work, 'key.pem');
writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(work, 'bad.yaml'), 'apiVersion: drp/v1\nname: Bad\nsteps: []\nextra: 1\n');

const env = {
  PATH: process.env.PATH,
  HOME: join(work, 'home'),
  XDG_CONFIG_HOME: join(work, 'home'),
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const closed = ['--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-1'];
const live = [...closed, '--key', key];
const ok = ['--bucket', 'media-prod'];

const COMMANDS = [
  'validate',
  'runbooks',
  'plan',
  'run',
  'contain',
  'scan',
  'resume',
  'preserve',
  'restore',
  'permissions',
  'keygen',
  'verify',
  'report',
  'drill',
];

/** [name, argv]: every command's help, then error paths. */
const CASES = [
  ['help', ['--help']],
  ['version', ['--version']],
  ['help-command', ['help', 'contain']],
  ...COMMANDS.map((c) => [`help-${c}`, [c, '--help']]),
  ['unknown-command', ['frobnicate']],
  ['unknown-global-option', ['--frob', 'runbooks']],
  ['bad-output', ['--output', 'yaml', 'runbooks']],
  ['bad-log-level', ['--log-level', 'loud', 'runbooks']],
  ['bad-region', ['--region', 'US_EAST', 'runbooks']],
  ['contain-no-bucket', ['contain', '--yes']],
  ['contain-bad-bucket', ['contain', '--bucket', 'Media_Prod', '--yes']],
  ['contain-bad-bucket-json', ['--output', 'json', 'contain', '--bucket', 'Media_Prod', '--yes']],
  ['contain-reserved-bucket', ['contain', '--bucket', 'xn--media', '--yes']],
  ['contain-bad-user', ['contain', ...ok, '--user', 'bad name', '--yes']],
  ['contain-bad-user-in-list', ['contain', ...ok, '--user', 'alice,bad name', '--yes']],
  ['contain-bad-role', ['contain', ...ok, '--user', 'alice', '--role', 'x y', '--yes']],
  ['contain-bad-function', ['contain', ...ok, '--function', 'resizer', '--yes']],
  [
    'contain-bad-api',
    ['contain', ...ok, '--api', 'arn:aws:lambda:us-east-1:123456789012:function:f', '--yes'],
  ],
  ['contain-bad-scp-target', ['contain', ...ok, '--scp-target', '1234', '--yes']],
  ['contain-retention-zero', ['contain', ...ok, '--retention-days', '0', '--yes']],
  ['contain-retention-text', ['contain', ...ok, '--retention-days', 'abc', '--yes']],
  ['contain-batch-threshold', ['contain', ...ok, '--batch-threshold', '-1', '--yes']],
  [
    'contain-bad-batch-role',
    ['contain', ...ok, '--batch-role-arn', 'arn:aws:iam::123456789012:user/u', '--yes'],
  ],
  ['contain-bad-since', ['contain', ...ok, '--since', 'yesterday', '--yes']],
  ['contain-bad-lock-mode', ['contain', ...ok, '--evidence-lock-mode', 'FOREVER', '--yes']],
  ['contain-bad-evidence-retention', ['contain', ...ok, '--evidence-retention-days', '36501', '--yes']],
  ['contain-unknown-runbook', ['contain', ...ok, '--runbook', 'nope', '--yes']],
  ['contain-unknown-runbook-bad-bucket', ['contain', '--bucket', 'BAD', '--runbook', 'nope', '--yes']],
  [
    'contain-runbook-without-param',
    ['contain', ...ok, '--user', 'alice', '--runbook', 'scan-synthetic-media', '--yes'],
  ],
  ['contain-unknown-option', ['contain', ...ok, '--bogus']],
  ['contain-concurrency-zero', ['contain', ...ok, '--concurrency', '0']],
  ['contain-not-a-tty', ['contain', ...ok]],
  [
    'contain-session-arn-exempt',
    ['contain', ...ok, '--yes', '--exempt-principal', 'arn:aws:sts::123456789012:assumed-role/R/s'],
  ],
  ['contain-bad-detected-at', ['contain', ...ok, '--yes', '--detected-at', 'yesterday']],
  ['contain-bad-incident', ['--incident', 'bad id!', 'contain', ...ok, '--yes', ...live]],
  [
    'contain-all-flags-unreachable',
    [
      'contain',
      ...ok,
      '--user',
      'alice,bob',
      '--user',
      'carol',
      '--role',
      'ops',
      '--function',
      'arn:aws:lambda:us-east-1:123456789012:function:resizer',
      '--scp-target',
      '123456789012',
      '--retention-days',
      '5',
      '--batch-threshold',
      '10',
      '--since',
      '2026-11-20',
      '--evidence-lock-mode',
      'COMPLIANCE',
      '--evidence-retention-days',
      '10',
      '--dry-run',
      ...live,
    ],
  ],
  ['contain-no-region', ['contain', ...ok, '--yes', '--endpoint-url', 'http://127.0.0.1:9', '--key', key]],
  ['scan-no-bucket', ['scan']],
  ['scan-bad-bucket', ['scan', '--bucket', 'a', '--yes']],
  ['scan-long-prefix', ['scan', ...ok, '--prefix', 'p'.repeat(1025), '--yes']],
  ['scan-bad-since', ['scan', ...ok, '--since', 'yesterday', '--yes']],
  ['scan-zero-since', ['scan', ...ok, '--since', '0h', '--yes']],
  ['scan-future-since', ['scan', ...ok, '--since', '2099-01-01T00:00:00Z', '--yes']],
  ['scan-min-confidence', ['scan', ...ok, '--min-confidence', '101', '--yes']],
  [
    'scan-bad-model',
    ['scan', ...ok, '--custom-labels-model', 'arn:aws:rekognition:us-east-1:1:model', '--yes'],
  ],
  ['scan-blank-label', ['scan', ...ok, '--labels', ' ', '--yes']],
  ['scan-max-tps', ['scan', ...ok, '--max-tps', '0', '--yes']],
  [
    'scan-all-flags-unreachable',
    [
      'scan',
      ...ok,
      '--prefix',
      'uploads/',
      '--since',
      '7d',
      '--min-confidence',
      '90',
      '--labels',
      'Explicit Nudity',
      '--labels',
      'Violence,',
      '--quarantine',
      '--max-tps',
      '5',
      '--dry-run',
      ...live,
    ],
  ],
  ['preserve-no-bucket', ['preserve', '--yes']],
  ['preserve-bad-user', ['preserve', ...ok, '--user', 'bad name', '--yes']],
  ['preserve-bad-since', ['preserve', ...ok, '--since', '7 days', '--yes']],
  ['preserve-unknown-runbook', ['preserve', ...ok, '--runbook', 'nope', '--yes']],
  [
    'preserve-all-flags-unreachable',
    ['preserve', ...ok, '--user', 'alice', '--role', 'ops', '--since', '36h', '--dry-run', ...live],
  ],
  ['run-unknown-runbook', ['run', 'nope', '--yes']],
  ['run-param-without-equals', ['run', 'deepfake-s3-leak', '--param', 'bucket', '--yes']],
  ['run-unknown-param', ['run', 'deepfake-s3-leak', '--param', 'nosuch=1', '--yes', ...live]],
  [
    'run-integer-param',
    [
      'run',
      'deepfake-s3-leak',
      '--param',
      'bucket=media-prod',
      '--param',
      'retentionDays=abc',
      '--yes',
      ...live,
    ],
  ],
  ['run-missing-param', ['run', 'deepfake-s3-leak', '--yes', ...live]],
  [
    'run-param-twice',
    ['run', 'deepfake-s3-leak', '--param', 'bucket=a', '--param', 'bucket=b', '--yes', ...live],
  ],
  ['plan-no-runbook', ['plan']],
  ['plan-bad-concurrency', ['plan', 'deepfake-s3-leak', '--concurrency', '513']],
  ['validate-unknown', ['validate', 'nope']],
  ['validate-invalid', ['validate', join(work, 'bad.yaml')]],
  ['validate-invalid-json', ['--output', 'json', 'validate', join(work, 'bad.yaml')]],
  ['permissions-unknown', ['permissions', 'nope']],
  ['permissions-contain', ['permissions', 'deepfake-s3-leak']],
  ['runbooks', ['runbooks']],
  ['verify-missing', ['verify', join(work, 'nope.jsonl')]],
  ['report-bad-format', ['report', join(work, 'nope.jsonl'), '--format', 'pdf']],
  ['report-missing', ['report', join(work, 'nope.jsonl')]],
  ['report-bad-tz', ['report', join(work, 'nope.jsonl'), '--tz', 'Mars/Olympus']],
  ['restore-missing', ['restore', join(work, 'nope.jsonl'), '--yes']],
  ['resume-missing', ['resume', join(work, 'nope.jsonl'), '--yes']],
  ['drill-profile', ['--profile', 'prod', 'drill']],
  ['drill-region', ['--region', 'eu-west-1', 'drill']],
];

for (const [name, args] of CASES) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: work, env, encoding: 'utf8', input: '' });
  writeFileSync(
    join(out, `${name}.txt`),
    `$ drp ${args.join(' ')}\nexit ${run.status}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`,
  );
}
process.stdout.write(`${CASES.length} cases in ${out}\n`);
