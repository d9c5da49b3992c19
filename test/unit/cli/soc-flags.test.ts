import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CONTAIN_FLAGS, EVIDENCE_FLAGS } from '../../../src/cli/bucket-flags.js';
import { addFlagRows, flagValues } from '../../../src/cli/flag-table.js';
import { paramsFromFlags } from '../../../src/commands/flag-params.js';
import { isUserError } from '../../../src/errors.js';

const ROWS = [...CONTAIN_FLAGS, ...EVIDENCE_FLAGS];

/** The flags as commander parses them for `drp contain`, through its table. */
function parse(argv: string[]) {
  const cmd = addFlagRows(new Command('contain').exitOverride(), ROWS);
  cmd.parse(['--bucket', 'media', ...argv], { from: 'user' });
  return flagValues(ROWS, cmd.opts());
}
const given = (argv: string[]) =>
  Object.fromEntries(parse(argv).map((v) => [v.param, { flag: v.flag, value: v.value }]));

describe('the SOC evidence flags of contain and preserve', () => {
  it('give nothing when not given, so each runbook keeps its defaults (a lone --no- switch is not true)', () => {
    expect(Object.keys(given([]))).toEqual(['bucket']);
    // A runbook without these params still runs: nothing was passed for them.
    expect(() => paramsFromFlags(parse([]), { bucket: {} }, 'other', new Date())).not.toThrow();
  });

  it('--no-guardduty gives guardduty false', () => {
    expect(given(['--no-guardduty']).guardduty).toEqual({ flag: '--no-guardduty', value: false });
  });

  it('--securityhub and --no-securityhub give true and false, each naming itself', () => {
    expect(given(['--securityhub']).securityhub).toEqual({ flag: '--securityhub', value: true });
    expect(given(['--no-securityhub']).securityhub).toEqual({ flag: '--no-securityhub', value: false });
  });

  it('--vpc is repeatable and comma-separated; --archive-after-days takes 0 (never)', () => {
    expect(
      given(['--vpc', 'vpc-0a1b2c3d', '--vpc', 'vpc-1a2b3c4d,vpc-0a1b2c3d4e5f67890']).vpcs!.value,
    ).toEqual(['vpc-0a1b2c3d', 'vpc-1a2b3c4d', 'vpc-0a1b2c3d4e5f67890']);
    expect(given(['--archive-after-days', '0']).archiveAfterDays!.value).toBe(0);
  });

  it('a bad --archive-after-days is a usage error naming the flag and the range', () => {
    expect(() => parse(['--archive-after-days', 'soon'])).toThrow(
      /--archive-after-days is a whole number from 0 to 36500/,
    );
  });

  it('a bad --vpc is a user error naming the flag and what a VPC id looks like', () => {
    let error: unknown;
    try {
      paramsFromFlags(
        parse(['--vpc', 'vpc-0a1b2c3d,default']),
        { bucket: {}, vpcs: {} },
        'deepfake-s3-leak',
        new Date(),
      );
    } catch (err) {
      error = err;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      '--vpc default: a VPC id is vpc- and 8 or 17 hex digits, e.g. vpc-0a1b2c3d4e5f67890',
    );
  });
});
