import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CONTAIN_FLAGS } from '../../../src/cli/bucket-flags.js';
import { addFlagRows, flagValues } from '../../../src/cli/flag-table.js';
import { checkEdgeFlags } from '../../../src/commands/contain-edge-flags.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';
import { containParams } from '../../support/flag-params.js';

const { runbook } = loadRunbook('deepfake-s3-leak');
const ACL =
  'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/media-upload/a1b2c3d4-5678-90ab-cdef-111122223333';

/** What commander reads from a command line, through contain's flag table. */
function parsed(argv: string[]) {
  const cmd = addFlagRows(new Command().exitOverride(), CONTAIN_FLAGS);
  cmd.parse(['node', 'drp', ...argv]);
  return flagValues(CONTAIN_FLAGS, cmd.opts());
}

describe('contain --no-cdn', () => {
  it('gives cdn: false only when given; without it the runbook default (true) applies and no param is passed', () => {
    expect(parsed(['--bucket', 'media']).map((f) => f.param)).toEqual(['bucket']);
    expect(parsed(['--bucket', 'media', '--no-cdn'])).toContainEqual(
      expect.objectContaining({ flag: '--no-cdn', param: 'cdn', value: false }),
    );
    const off = containParams({ bucket: 'media', cdn: false }, runbook.params, runbook.name);
    expect(resolveParams(runbook.params, off, runbook.name).cdn).toBe(false);
    const on = containParams({ bucket: 'media' }, runbook.params, runbook.name);
    expect(resolveParams(runbook.params, on, runbook.name).cdn).toBe(true);
  });

  it('feeds the cloudfront-invalidate step, after the bucket deny and the SCP, onError: continue', () => {
    const ids = runbook.steps.map((s) => s.id);
    const cdn = runbook.steps.find((s) => s.type === 'cloudfront-invalidate')!;
    expect(cdn.with).toEqual({ bucket: '${{ params.bucket }}', enabled: '${{ params.cdn }}' });
    expect(cdn.onError).toBe('continue');
    expect(ids.indexOf('cloudfront-invalidate')).toBeGreaterThan(ids.indexOf('deny-policy'));
    expect(ids.indexOf('cloudfront-invalidate')).toBeGreaterThan(ids.indexOf('scp-deny'));
  });
});

describe('contain --function and --api isolate as well as feed the SCP', () => {
  it.each([
    ['lambda-isolate', { functions: '${{ params.functions }}' }],
    ['apigateway-isolate', { apis: '${{ params.apis }}' }],
  ])('%s takes the same param as the SCP, onError: continue', (type, wanted) => {
    const step = runbook.steps.find((s) => s.type === type)!;
    expect(step.with).toEqual(wanted);
    expect(step.onError).toBe('continue');
    const scp = runbook.steps.find((s) => s.type === 'org-scp-deny')!;
    expect(scp.with).toMatchObject(wanted);
  });
});

describe('contain --web-acl and --block-country', () => {
  it('feed waf-protect: the ARN as webAcl, the countries as a list', () => {
    const given = containParams(
      { bucket: 'media', webAcl: ACL, blockCountry: ['KP,IR', 'RU'] },
      runbook.params,
      runbook.name,
    );
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      webAcl: ACL,
      blockCountries: ['KP', 'IR', 'RU'],
    });
    expect(runbook.steps.find((s) => s.type === 'waf-protect')!.with).toEqual({
      webAclArn: '${{ params.webAcl }}',
      blockCountries: '${{ params.blockCountries }}',
    });
  });

  it.each([
    [
      { blockCountry: ['UK'] },
      /^--block-country UK: expected an ISO 3166-1 alpha-2 country code .*\(GB, not UK\)/,
    ],
    [{ blockCountry: ['kp'] }, /^--block-country kp: expected an ISO 3166-1 alpha-2/],
    [
      { webAcl: 'arn:aws:wafv2:us-east-1:123456789012:regional/ipset/x/y' },
      /^--web-acl .*: expected a WAFv2 web ACL ARN/,
    ],
  ])('rejects a bad value naming the flag: %o', (flags: Record<string, unknown>, message) => {
    expect(() => containParams({ bucket: 'media', ...flags }, runbook.params, runbook.name)).toThrow(message);
  });

  it('--block-country without --web-acl is exit 2: the block is a rule of that web ACL', () => {
    expect(() => checkEdgeFlags(parsed(['--bucket', 'media', '--block-country', 'KP']))).toThrow(
      /^--block-country needs --web-acl ARN/,
    );
    expect(() =>
      checkEdgeFlags(parsed(['--bucket', 'media', '--block-country', 'KP', '--web-acl', ACL])),
    ).not.toThrow();
  });
});
