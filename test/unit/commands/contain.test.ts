import { describe, expect, it } from 'vitest';
import { containParams } from '../../support/flag-params.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';

const declared = { bucket: {}, users: {}, roles: {}, functions: {}, apis: {}, scpTarget: {} };
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:resizer';
const API = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/*';

describe('contain flags', () => {
  it('feeds each repeatable flag (repeated or comma-separated) to its runbook param', () => {
    const given = containParams(
      {
        bucket: 'media',
        user: ['alice', 'bob,carol'],
        role: ['pipeline'],
        function: [FN],
        api: [API],
        scpTarget: 'ou-ab12-34cd56ef',
      },
      declared,
      'deepfake-s3-leak',
    );
    expect(given).toEqual([
      { name: 'bucket', typed: 'media', flag: '--bucket' },
      { name: 'users', typed: ['alice', 'bob', 'carol'], flag: '--user' },
      { name: 'roles', typed: ['pipeline'], flag: '--role' },
      { name: 'functions', typed: [FN], flag: '--function' },
      { name: 'apis', typed: [API], flag: '--api' },
      { name: 'scpTarget', typed: 'ou-ab12-34cd56ef', flag: '--scp-target' },
    ]);
  });

  it.each([
    [{ bucket: 'Media_Prod' }, /^--bucket Media_Prod: a bucket name uses lowercase letters/],
    [{ bucket: 'ab' }, /^--bucket ab: a bucket name has 3 to 63 characters/],
    [{ bucket: 'media.mrap' }, /^--bucket media\.mrap: that bucket name prefix or suffix is reserved/],
    [{ user: ['bad name'] }, /^--user bad name: an IAM name uses letters/],
    [{ role: ['x'.repeat(65)] }, /^--role x+: /],
    [
      { function: ['arn:aws:s3:::bucket'] },
      /^--function arn:aws:s3:::bucket: expected a Lambda function ARN/,
    ],
    [{ api: [FN] }, /^--api arn:aws:lambda.*: expected an API Gateway ARN/],
    [{ scpTarget: 'ou-1' }, /^--scp-target ou-1: expected an account id \(12 digits\), an OU id/],
  ])('rejects a bad value naming the flag: %o', (flags: Record<string, unknown>, message) => {
    expect(() => containParams({ bucket: 'media', ...flags }, declared, 'deepfake-s3-leak')).toThrow(message);
  });

  it('refuses a flag whose param the runbook does not declare', () => {
    expect(() => containParams({ bucket: 'media', user: ['alice'] }, { bucket: {} }, 'other')).toThrow(
      '--user: runbook other has no param "users" to take it',
    );
  });
});

describe('contain --retention-days', () => {
  const { runbook } = loadRunbook('deepfake-s3-leak');

  it('--retention-days feeds the runbook param retentionDays as an integer, never as text', () => {
    const given = containParams({ bucket: 'media', retentionDays: 45 }, runbook.params, runbook.name);
    expect(given).toContainEqual({ name: 'retentionDays', typed: 45, flag: '--retention-days' });
    expect(resolveParams(runbook.params, given, runbook.name).retentionDays).toBe(45);
  });

  it('without --retention-days the runbook default of 30 days applies', () => {
    const given = containParams({ bucket: 'media' }, runbook.params, runbook.name);
    expect(given.map((g) => g.name)).toEqual(['bucket']);
    expect(resolveParams(runbook.params, given, runbook.name).retentionDays).toBe(30);
  });

  it('--retention-days with a runbook that has no retentionDays param is an error naming the flag', () => {
    expect(() => containParams({ bucket: 'media', retentionDays: 7 }, { bucket: {} }, 'other')).toThrow(
      '--retention-days: runbook other has no param "retentionDays" to take it',
    );
  });
});

describe('contain --batch-role-arn and --batch-threshold', () => {
  const { runbook } = loadRunbook('deepfake-s3-leak');
  const ROLE = 'arn:aws:iam::123456789012:role/ops/drp-batch-legal-hold';

  it('feed the legal-holds step of the bundled runbook, so a bucket above the threshold can be contained', () => {
    const given = containParams(
      { bucket: 'media', batchRoleArn: ROLE, batchThreshold: 500000 },
      runbook.params,
      runbook.name,
    );
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      batchRoleArn: ROLE,
      batchThreshold: 500000,
    });
    const holds = runbook.steps.find((s) => s.type === 's3-legal-holds')!;
    expect(holds.with).toMatchObject({
      batchRoleArn: '${{ params.batchRoleArn }}',
      batchThreshold: '${{ params.batchThreshold }}',
    });
  });

  it('default to no role and 100,000 versions; a role that is not a role ARN is refused naming the flag', () => {
    const given = containParams({ bucket: 'media' }, runbook.params, runbook.name);
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      batchRoleArn: '',
      batchThreshold: 100000,
    });
    expect(() =>
      containParams(
        { bucket: 'media', batchRoleArn: 'arn:aws:iam::123456789012:user/alice' },
        runbook.params,
        runbook.name,
      ),
    ).toThrow(/^--batch-role-arn arn:aws:iam::123456789012:user\/alice: expected an IAM role ARN/);
  });
});

describe('contain flags of a runbook that declares another type', () => {
  it('refuses a typed value that does not match the declared param type, naming the flag', () => {
    const specs = {
      bucket: { type: 'string' as const, required: true },
      retentionDays: { type: 'string' as const, required: false },
    };
    const given = containParams({ bucket: 'media', retentionDays: 7 }, specs, 'mine');
    expect(() => resolveParams(specs, given, 'mine')).toThrow(
      '--retention-days: runbook mine declares param "retentionDays" as string, and --retention-days gives an integer',
    );
  });
});
