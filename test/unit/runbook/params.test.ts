import { describe, expect, it } from 'vitest';
import { parseParamFlags, resolveParams } from '../../../src/runbook/params.js';
import type { ParamSpec } from '../../../src/runbook/schema.js';

const specs: Record<string, ParamSpec> = {
  bucket: { type: 'string', required: true },
  days: { type: 'integer', required: false, default: 30 },
  users: { type: 'list', required: false, default: [] },
  strict: { type: 'boolean', required: false, default: false },
};

describe('resolveParams', () => {
  it('types values, applies defaults, and collects repeated list values', () => {
    const given = parseParamFlags(['bucket=media', 'days=7', 'users=a,b', 'users=c', 'strict=true']);
    expect(resolveParams(specs, given, 'book')).toEqual({
      bucket: 'media',
      days: 7,
      users: ['a', 'b', 'c'],
      strict: true,
    });
  });

  it('keeps "=" inside a value', () => {
    expect(resolveParams(specs, parseParamFlags(['bucket=a=b']), 'book').bucket).toBe('a=b');
  });

  it.each([
    [['days=7'], /missing param "bucket": pass --param bucket=VALUE/],
    [['bucket=m', 'days=soon'], /--param days=soon: days is an integer/],
    [['bucket=m', 'strict=yes'], /--param strict=yes: strict is true or false/],
    [
      ['bucket=m', 'colour=red'],
      /--param colour=red: runbook book has no param "colour"; its params: bucket, days, users, strict/,
    ],
    [['bucket=m', 'bucket=n'], /bucket was given twice/],
  ])('refuses %j with a message naming the flag', (flags, message) => {
    expect(() => resolveParams(specs, parseParamFlags(flags), 'book')).toThrow(message);
  });

  it('refuses a --param without "="', () => {
    expect(() => parseParamFlags(['bucket'])).toThrow(/--param bucket: expected NAME=VALUE/);
  });
});
