import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3Port } from '../../../src/aws/s3.js';

const s3 = mockClient(S3Client);
const port = () =>
  createS3Port(
    new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );

// Keys as S3 encodes them with EncodingType=url (a space as "+", a "+" as "%2B"), and as they are.
const KEYS: [string, string][] = [
  ['clips/a+b.mp4', 'clips/a b.mp4'],
  ['plus%2Bsign', 'plus+sign'],
  ['cr%0Dkey', 'cr\rkey'],
  ['ctl%01key', 'ctl\u0001key'],
  ['%C3%BCn%C3%AF/%F0%9F%8E%AD.mp4', 'ünï/🎭.mp4'],
  ['..%2F..%2Fescape', '../../escape'],
  ['%2541', '%41'],
];

describe('S3 listings: keys exactly as stored, whatever XML can carry', () => {
  beforeEach(() => s3.reset());

  it('asks for URL-encoded keys and decodes them, markers included, for the legal holds', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        EncodingType: 'url',
        Versions: KEYS.slice(0, 4).map(([Key], i) => ({ Key, VersionId: `v${i}` })),
        IsTruncated: true,
        NextKeyMarker: 'ctl%01key',
        NextVersionIdMarker: 'v3',
      })
      .resolvesOnce({
        EncodingType: 'url',
        Versions: KEYS.slice(4).map(([Key], i) => ({ Key, VersionId: `v${i + 4}` })),
        DeleteMarkers: [{ Key: 'cr%0Dkey', VersionId: 'd1' }],
      });
    const keys: string[] = [];
    for await (const page of port().listObjectVersions('media')) keys.push(...page.map((e) => e.key));
    expect(keys).toEqual([...KEYS.map(([, key]) => key), 'cr\rkey']);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 1, {
      Bucket: 'media',
      EncodingType: 'url',
    });
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 2, {
      Bucket: 'media',
      EncodingType: 'url',
      KeyMarker: 'ctl\u0001key',
      VersionIdMarker: 'v3',
    });
  });

  it('decodes the scan listing too', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      EncodingType: 'url',
      Versions: KEYS.map(([Key], i) => ({ Key, VersionId: `v${i}`, IsLatest: true, ETag: '"e"', Size: 1 })),
    });
    const keys: string[] = [];
    for await (const page of port().listCurrentObjects('media', '')) keys.push(...page.map((v) => v.key));
    expect(keys).toEqual(KEYS.map(([, key]) => key));
  });

  it('takes keys as they are from an endpoint that does not encode them', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'a+b %41', VersionId: 'v1' }] });
    const keys: string[] = [];
    for await (const page of port().listObjectVersions('media')) keys.push(...page.map((e) => e.key));
    expect(keys).toEqual(['a+b %41']);
  });
});
