import { describe, expect, it } from 'vitest';
import {
  bucketOrigin,
  invalidationPaths,
  type BucketOrigin,
} from '../../../../src/steps/lib/bucket-origins.js';

const origin = (domainName: string, originPath = '') => ({ id: 'o1', domainName, originPath });

describe('bucketOrigin: the S3 endpoints through which a distribution reaches a bucket', () => {
  it.each([
    ['product-media.s3.amazonaws.com', 'rest'],
    ['product-media.s3.eu-west-1.amazonaws.com', 'rest'],
    ['product-media.s3-eu-west-1.amazonaws.com', 'rest'],
    ['product-media.s3-external-1.amazonaws.com', 'rest'],
    ['product-media.s3.dualstack.us-east-1.amazonaws.com', 'rest'],
    ['product-media.s3.cn-north-1.amazonaws.com.cn', 'rest'],
    ['product-media.s3.us-gov-west-1.amazonaws.com', 'rest'],
    ['Product-Media.S3.amazonaws.com.', 'rest'],
    ['product-media.s3-website-us-east-1.amazonaws.com', 'website'],
    ['product-media.s3-website.eu-central-1.amazonaws.com', 'website'],
  ])('%s is an origin on the bucket (%s endpoint)', (domain, endpoint) => {
    expect(bucketOrigin(origin(domain), 'product-media')?.endpoint).toBe(endpoint);
  });

  it.each([
    'other-media.s3.amazonaws.com',
    'product-media.s3.s3.amazonaws.com', // the bucket "product-media.s3"
    'xproduct-media.s3.amazonaws.com',
    'product-media.example.com',
    'internal-alb-123.us-east-1.elb.amazonaws.com',
    'product-media.s3.amazonaws.com.evil.example',
  ])('%s is not', (domain) => {
    expect(bucketOrigin(origin(domain), 'product-media')).toBeUndefined();
  });

  it('a bucket with dots in its name is matched literally', () => {
    expect(bucketOrigin(origin('media.acme.com.s3.amazonaws.com'), 'media.acme.com')?.endpoint).toBe('rest');
    expect(bucketOrigin(origin('mediaxacmexcom.s3.amazonaws.com'), 'media.acme.com')).toBeUndefined();
  });

  it('a path-style endpoint serves the bucket its origin path begins with', () => {
    expect(
      bucketOrigin(origin('s3.us-east-1.amazonaws.com', '/product-media/images'), 'product-media'),
    ).toMatchObject({
      endpoint: 'path-style',
      prefix: 'images',
    });
    expect(bucketOrigin(origin('s3.amazonaws.com', '/other'), 'product-media')).toBeUndefined();
  });
});

describe('invalidationPaths', () => {
  const o = (prefix: string): BucketOrigin => ({ ...origin('b.s3.amazonaws.com'), endpoint: 'rest', prefix });

  it('is /* without keys', () => {
    expect(invalidationPaths([o('')], [])).toEqual(['/*']);
  });

  it("serves keys at their path under each origin's prefix, URL-encoded, a trailing * kept", () => {
    expect(invalidationPaths([o('')], ['products/a b.jpg', 'products/ü/*'])).toEqual([
      '/products/a%20b.jpg',
      '/products/%C3%BC/*',
    ]);
    expect(invalidationPaths([o('products')], ['products/x.jpg', 'other/y.jpg'])).toEqual(['/x.jpg']);
  });
});
