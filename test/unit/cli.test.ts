import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drpEnv, runDrp, scratch } from '../support/drp.js';
import { journalLines, sampleJournal, writeLines } from '../support/journal.js';
import { containedRun, writeRun } from '../support/report-journals.js';

// These spawn the built binary but need no AWS: every case ends before the first call.
const NO_AWS = 'http://127.0.0.1:9';

describe('drp CLI (no AWS)', () => {
  it('--help lists every command and exits 0', async () => {
    const out = await runDrp(['--help']);
    expect(out.code).toBe(0);
    for (const c of [
      'validate',
      'runbooks',
      'plan',
      'run',
      'contain',
      'permissions',
      'restore',
      'keygen',
      'verify',
      'report',
    ])
      expect(out.stdout).toContain(c);
  });

  it('an unknown flag is exit 2 naming it', async () => {
    const out = await runDrp(['contain', '--bucket', 'b', '--frobnicate']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/unknown option '--frobnicate'/);
  });

  it('an AWS_REGION that is not a region is exit 2 naming AWS_REGION, not "no region is configured"', async () => {
    const out = await runDrp(['--endpoint-url', NO_AWS, 'contain', '--bucket', 'media-b', '--dry-run'], {
      env: drpEnv({ AWS_REGION: 'not a region' }),
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^drp: AWS_REGION "not a region": not an AWS region .*pass --region$/m);
  });

  it('a --region that cannot be a host name is exit 2 naming the flag, before the SDK sees it', async () => {
    const out = await runDrp([
      '--region',
      'ünï 🎭',
      'contain',
      '--bucket',
      'media-prod',
      '--kms-key-id',
      'k',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /'--region <region>' argument 'ünï 🎭' is invalid\. a region is lowercase letters/,
    );
  });

  it('a missing required flag is exit 2 naming it', async () => {
    const out = await runDrp(['contain', '--yes']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--bucket <name>/);
  });

  it('an unknown option is reported before a missing required one, with the flag it was meant to be', async () => {
    const out = await runDrp(['contain', '--bucekt', 'media-prod']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/unknown option '--bucekt'\n\(Did you mean --bucket\?\)/);
    expect(out.stderr).not.toMatch(/required option/);
  });

  it('a bad --concurrency is exit 2 saying what is valid', async () => {
    const out = await runDrp(['contain', '--bucket', 'b', '--concurrency', '0']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--concurrency is a whole number from 1 to 512/);
  });

  it('a bad --retention-days is exit 2 saying what is valid', async () => {
    const out = await runDrp(['contain', '--bucket', 'b', '--retention-days', '0']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--retention-days is a whole number from 1 to 36500/);
  });

  it('a missing runbook param is exit 2 naming it, before any AWS call', async () => {
    const out = await runDrp(['--endpoint-url', NO_AWS, 'run', 'deepfake-s3-leak', '--yes']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/missing param "bucket": pass --param bucket=VALUE/);
  });

  it('a bad bucket name is exit 2 naming the flag, before any AWS call', async () => {
    const out = await runDrp(['--endpoint-url', NO_AWS, 'contain', '--bucket', 'Bad_Name', '--yes']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^drp: --bucket Bad_Name: a bucket name uses lowercase/);
  });

  it('validate: 0 for the bundled runbooks, 2 with line and path for broken YAML', async () => {
    expect((await runDrp(['validate', 'deepfake-s3-leak'])).code).toBe(0);
    const file = join(scratch(), 'broken.yaml');
    writeFileSync(file, 'apiVersion: drp/v1\nname: [unclosed\n');
    const out = await runDrp(['validate', file]);
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('permissions prints a valid least-privilege policy', async () => {
    const out = await runDrp(['--output', 'json', 'permissions', 'deepfake-s3-leak']);
    expect(out.code).toBe(0);
    const { policy } = JSON.parse(out.stdout) as {
      policy: { Version: string; Statement: { Effect: string; Action: string[] }[] };
    };
    expect(policy.Version).toBe('2012-10-17');
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain('s3:PutBucketPublicAccessBlock');
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it("permissions --service-roles gives S3 Batch Operations' role its trust policy and full policy", async () => {
    const out = await runDrp(['permissions', 'deepfake-s3-leak', '--service-roles']);
    expect(out.code).toBe(0);
    const roles = JSON.parse(out.stdout) as {
      step: string;
      param: string;
      trustPolicy: { Statement: { Principal: { Service: string }; Action: string }[] };
      policy: { Statement: { Action: string[]; Resource: string[] }[] };
    }[];
    expect(roles.map((r) => [r.step, r.param])).toEqual([['legal-holds', 'batchRoleArn']]);
    expect(roles[0]!.trustPolicy.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'batchoperations.s3.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    const grants = roles[0]!.policy.Statement.flatMap((s) =>
      s.Action.map((a) => `${a} ${s.Resource.join(' ')}`),
    );
    expect(grants).toEqual(
      expect.arrayContaining([
        's3:GetBucketObjectLockConfiguration arn:aws:s3:::BUCKET',
        's3:PutObjectLegalHold arn:aws:s3:::BUCKET/*',
        's3:GetObjectVersion arn:aws:s3:::EVIDENCE_BUCKET/incidents/*',
        's3:GetObject arn:aws:s3:::EVIDENCE_BUCKET/incidents/*',
        's3:PutObject arn:aws:s3:::EVIDENCE_BUCKET/incidents/*',
      ]),
    );
    // The runner's policy stays pipeable JSON; where the role's policies are is said on stderr.
    const plain = await runDrp(['permissions', 'deepfake-s3-leak']);
    expect(plain.stderr).toMatch(/step legal-holds \(s3-legal-holds\).*--service-roles/);
  });

  it('permissions lists what only drp restore needs in statements of its own', async () => {
    const out = await runDrp(['--output', 'json', 'permissions', 'deepfake-s3-leak']);
    const { policy } = JSON.parse(out.stdout) as {
      policy: { Statement: { Sid: string; Action: string[] }[] };
    };
    const restoreOnly = policy.Statement.filter((s) => s.Sid.startsWith('DrpRestore'));
    const run = policy.Statement.filter((s) => !s.Sid.startsWith('DrpRestore')).flatMap((s) => s.Action);
    expect(restoreOnly.flatMap((s) => s.Action).sort()).toEqual([
      'cognito-idp:AdminEnableUser',
      'dynamodb:DeleteResourcePolicy',
      'iam:DeleteRolePolicy',
      // iam-contain-user's deny-all: drp's own inline policy, or the AWSDenyAll it attached.
      'iam:DeleteUserPolicy',
      'iam:DetachUserPolicy',
      'lambda:DeleteFunctionConcurrency',
      'organizations:DeletePolicy',
      'organizations:DetachPolicy',
      's3:DeleteBucketPolicy',
      // The incident finding's workflow status (securityhub-report's restore).
      'securityhub:BatchUpdateFindings',
      // A permission set that had no inline policy before drp's deny.
      'sso:DeleteInlinePolicyFromPermissionSet',
    ]);
    expect(run.filter((a) => /:(Delete|Detach)/.test(a))).toEqual([]);
  });

  it('restore refuses a journal that fails verification: exit 1 naming the line, before any AWS call', async () => {
    const { path } = await sampleJournal();
    const lines = journalLines(path);
    writeLines(path, [lines[0]!, lines[2]!, ...lines.slice(3)]);
    const out = await runDrp(['--endpoint-url', NO_AWS, 'restore', path, '--yes']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /journal\.jsonl:2: seq 2 where 1 was expected.*restores only a journal that verifies/,
    );
  });

  it('restore of a journal that does not exist is exit 2 naming it', async () => {
    const out = await runDrp(['restore', join(scratch(), 'nope.jsonl'), '--yes']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/<journal>: cannot read .*nope\.jsonl \(ENOENT\)/);
  });

  it('runbooks lists the bundled runbooks with their params', async () => {
    const out = await runDrp(['runbooks']);
    expect(out.stdout).toMatch(/deepfake-s3-leak: Contain a leaked S3 bucket/);
    expect(out.stdout).toMatch(/bucket \(string, required\)/);
  });

  it('keygen then verify: a journal checked against the pinned key', async () => {
    const dir = scratch();
    const keygen = await runDrp(['keygen', '--out', dir]);
    expect(keygen.stdout).toMatch(/fingerprint: [0-9a-f]{64}/);
    const again = await runDrp(['keygen', '--out', dir]);
    expect(again.code).toBe(2);
  });

  it('verify of a missing file is exit 2', async () => {
    expect((await runDrp(['verify', '/nonexistent/journal.jsonl'])).code).toBe(2);
  });

  it('report: the built binary reports a generated journal as markdown, 0 when intact, 2 for a bad --format', async () => {
    const { path } = await writeRun(containedRun());
    const out = await runDrp(['report', path, '--tz', 'Europe/Berlin', '--now', '2026-11-25T05:00:00Z']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^# Incident report `INC-20261125-030000-ab12`/);
    expect(out.stdout).toContain(
      '| Notification deadline (+72 h) | 2026-11-28 02:40:00 UTC | 2026-11-28 03:40:00 UTC+01:00 |',
    );
    expect(out.stdout).toContain('**INTACT**');
    const bad = await runDrp(['report', path, '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format.*pdf.*md, html/);
  });
});
