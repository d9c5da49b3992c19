import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../src/aws/s3.js';
import { testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);

/** HeadBucket's error answers have no body: S3 says what it knows in the status and the headers. */
const answer = (status: number, name: string, region?: string) =>
  Object.assign(new S3ServiceException({ name, $fault: 'client', $metadata: {} }), {
    $metadata: { httpStatusCode: status },
    $response: {
      statusCode: status,
      headers: region ? { 'x-amz-bucket-region': region } : {},
      body: undefined,
    },
  });

describe("S3 port: a bucket's region", () => {
  beforeEach(() => s3.reset());
  const port = () => testPorts(true).s3;

  it('reads BucketRegion on a 200', async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: 'ap-southeast-2' });
    expect(await port().bucketRegion('media')).toBe('ap-southeast-2');
  });

  it.each([
    [301, 'PermanentRedirect'],
    [403, 'Forbidden'],
    [400, 'BadRequest'],
  ])('reads x-amz-bucket-region on a %i (%s), whatever the caller may do', async (status, name) => {
    s3.on(HeadBucketCommand).rejects(answer(status, name, 'eu-west-1'));
    expect(await port().bucketRegion('media')).toBe('eu-west-1');
  });

  it('is undefined when there is no such bucket (404 NotFound)', async () => {
    s3.on(HeadBucketCommand).rejects(answer(404, 'NotFound'));
    expect(await port().bucketRegion('media')).toBeUndefined();
  });

  it('fails on any other answer without a region', async () => {
    s3.on(HeadBucketCommand).rejects(answer(500, 'InternalError'));
    await expect(port().bucketRegion('media')).rejects.toMatchObject({ name: 'InternalError' });
  });

  it('every S3 client follows a 301 to the region S3 names: a trail or evidence bucket elsewhere still answers', () => {
    expect(createS3Client({ region: 'us-east-1' }, true).config.followRegionRedirects).toBe(true);
  });
});
