import { describe, expect, it } from 'vitest';
import type { Trail } from '../../../../../src/aws/cloudtrail.js';
import { s3DataEvents, trailsCovering } from '../../../../../src/steps/lib/preservation/trails.js';

const trail = (over: Partial<Trail>): Trail => ({
  name: 't',
  arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t',
  homeRegion: 'us-east-1',
  multiRegion: false,
  organization: false,
  logFileValidation: true,
  includeGlobalServiceEvents: true,
  ...over,
});

const none = { eventSelectors: [], advancedEventSelectors: [] };
const advanced = (fields: Record<string, Record<string, string[]>>) => ({
  eventSelectors: [],
  advancedEventSelectors: [
    {
      Name: 'sel',
      FieldSelectors: Object.entries(fields).map(([Field, ops]) => ({ Field, ...ops })),
    },
  ],
});
const data = { eventCategory: { Equals: ['Data'] }, 'resources.type': { Equals: ['AWS::S3::Object'] } };

describe('trails covering a region', () => {
  it('keeps the region own trails and every multi-region trail', () => {
    const trails = [
      trail({ name: 'home' }),
      trail({ name: 'other', homeRegion: 'eu-west-1' }),
      trail({ name: 'multi', homeRegion: 'eu-west-1', multiRegion: true }),
    ];
    expect(trailsCovering(trails, 'us-east-1').map((t) => t.name)).toEqual(['home', 'multi']);
  });
});

describe('S3 data events of a bucket', () => {
  it('is none without selectors', () => {
    expect(s3DataEvents(none, 'media', 'aws').coverage).toBe('none');
  });

  it('is all for a basic selector on every bucket, or on this bucket, read and write', () => {
    for (const value of ['arn:aws:s3', 'arn:aws:s3:::media/']) {
      const sel = {
        eventSelectors: [
          { ReadWriteType: 'All' as const, DataResources: [{ Type: 'AWS::S3::Object', Values: [value] }] },
        ],
        advancedEventSelectors: [],
      };
      expect(s3DataEvents(sel, 'media', 'aws').coverage).toBe('all');
    }
  });

  it('is some for a basic selector on a key prefix, or write-only', () => {
    const prefix = {
      eventSelectors: [
        { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::media/uploads/'] }] },
      ],
      advancedEventSelectors: [],
    };
    const writeOnly = {
      eventSelectors: [
        {
          ReadWriteType: 'WriteOnly' as const,
          DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
        },
      ],
      advancedEventSelectors: [],
    };
    expect(s3DataEvents(prefix, 'media', 'aws').coverage).toBe('some');
    expect(s3DataEvents(writeOnly, 'media', 'aws').coverage).toBe('some');
  });

  it('is none for a basic selector on another bucket whose name starts the same', () => {
    const other = {
      eventSelectors: [
        { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::media-archive/'] }] },
      ],
      advancedEventSelectors: [],
    };
    expect(s3DataEvents(other, 'media', 'aws').coverage).toBe('none');
  });

  it('reads advanced selectors: all objects, this bucket, a prefix, an exclusion, reads only', () => {
    expect(s3DataEvents(advanced(data), 'media', 'aws').coverage).toBe('all');
    expect(
      s3DataEvents(
        advanced({ ...data, 'resources.ARN': { StartsWith: ['arn:aws:s3:::media/'] } }),
        'media',
        'aws',
      ).coverage,
    ).toBe('all');
    expect(
      s3DataEvents(
        advanced({ ...data, 'resources.ARN': { StartsWith: ['arn:aws:s3:::media/in/'] } }),
        'media',
        'aws',
      ).coverage,
    ).toBe('some');
    expect(
      s3DataEvents(
        advanced({ ...data, 'resources.ARN': { NotStartsWith: ['arn:aws:s3:::media/'] } }),
        'media',
        'aws',
      ).coverage,
    ).toBe('none');
    expect(
      s3DataEvents(
        advanced({ ...data, 'resources.ARN': { NotStartsWith: ['arn:aws:s3:::logs/'] } }),
        'media',
        'aws',
      ).coverage,
    ).toBe('all');
    expect(s3DataEvents(advanced({ ...data, readOnly: { Equals: ['true'] } }), 'media', 'aws')).toMatchObject(
      {
        coverage: 'some',
        detail: expect.stringContaining('reads only'),
      },
    );
  });

  it("matches the bucket's ARN in the trail's partition: aws-cn's arn:aws-cn:s3, not arn:aws:s3", () => {
    const on = (value: string) => ({
      eventSelectors: [
        { ReadWriteType: 'All' as const, DataResources: [{ Type: 'AWS::S3::Object', Values: [value] }] },
      ],
      advancedEventSelectors: [],
    });
    expect(s3DataEvents(on('arn:aws-cn:s3:::media/'), 'media', 'aws-cn').coverage).toBe('all');
    expect(s3DataEvents(on('arn:aws-cn:s3'), 'media', 'aws-cn').coverage).toBe('all');
    expect(s3DataEvents(on('arn:aws:s3:::media/'), 'media', 'aws-cn').coverage).toBe('none');
  });

  it('ignores advanced selectors of management events or other resource types', () => {
    expect(
      s3DataEvents(advanced({ eventCategory: { Equals: ['Management'] } }), 'media', 'aws').coverage,
    ).toBe('none');
    expect(
      s3DataEvents(
        advanced({
          eventCategory: { Equals: ['Data'] },
          'resources.type': { Equals: ['AWS::Lambda::Function'] },
        }),
        'media',
        'aws',
      ).coverage,
    ).toBe('none');
  });
});
