import { describe, expect, it } from 'vitest';
import {
  accessLogFileTime,
  cloudTrailFileTime,
  inWindow,
} from '../../../../../src/steps/lib/preservation/layout.js';
import { copyProblem } from '../../../../../src/steps/lib/preservation/copy-one.js';

describe('log file names', () => {
  it('reads the time of a CloudTrail log file and of a digest file', () => {
    expect(
      cloudTrailFileTime(
        'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/24/123456789012_CloudTrail_us-east-1_20261124T1015Z_Ab12.json.gz',
      ),
    ).toEqual(new Date('2026-11-24T10:15:00Z'));
    expect(
      cloudTrailFileTime(
        'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/24/123456789012_CloudTrail-Digest_us-east-1_main_us-east-1_20261124T101530Z.json.gz',
      ),
    ).toEqual(new Date('2026-11-24T10:15:30Z'));
  });

  it('reads the time of a server access log file, simple or partitioned', () => {
    expect(accessLogFileTime('logs/2026-11-24-10-15-30-0A1B2C3D4E5F6A7B')).toEqual(
      new Date('2026-11-24T10:15:30Z'),
    );
    expect(
      accessLogFileTime('logs/123456789012/us-east-1/media/2026/11/24/2026-11-24-10-15-30-0A1B'),
    ).toEqual(new Date('2026-11-24T10:15:30Z'));
    expect(accessLogFileTime('logs/readme.txt')).toBeUndefined();
  });

  it('keeps a file named at or after the window start, else falls back on LastModified', () => {
    const start = new Date('2026-11-24T10:00:00Z');
    const o = { key: 'k', size: 1 };
    expect(inWindow(o, new Date('2026-11-24T09:59:00Z'), start)).toBe(false);
    expect(inWindow(o, new Date('2026-11-24T10:00:00Z'), start)).toBe(true);
    expect(inWindow({ ...o, lastModified: new Date('2026-11-24T11:00:00Z') }, undefined, start)).toBe(true);
    expect(inWindow({ ...o, lastModified: new Date('2026-11-23T11:00:00Z') }, undefined, start)).toBe(false);
  });
});

describe('copy verification', () => {
  const source = { key: 'k', size: 10, etag: '"e"' };
  const copy = { checksumSHA256: 'c2hh', versionId: 'v1' };
  const good = { size: 10, checksumSHA256: 'c2hh', legalHold: 'ON' };

  it('accepts a copy of the same size, with the SHA-256 S3 computed, under legal hold', () => {
    expect(copyProblem(source, copy, good)).toBeUndefined();
  });

  it.each([
    [undefined, /not there/],
    [{ ...good, size: 9 }, /9 bytes, the source 10/],
    [{ ...good, checksumSHA256: undefined }, /no SHA-256/],
    [{ ...good, checksumSHA256: 'b3RoZXI=' }, /SHA-256 read back differs/],
    [{ ...good, legalHold: 'OFF' }, /legal hold is OFF/],
  ])('refuses %o', (head, problem) => {
    expect(copyProblem(source, copy, head)).toMatch(problem);
  });
});
