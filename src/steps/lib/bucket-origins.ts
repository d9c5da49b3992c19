import type { DistributionOrigin } from '../../aws/cloudfront.js';

/**
 * How a CloudFront origin reaches an S3 bucket: its domain names the bucket (virtual-hosted REST
 * endpoints, with or without origin access control, and website endpoints), or a path-style
 * endpoint's origin path begins with it. `prefix` is where in the bucket the origin's requests
 * land: the origin path without its leading slash (and, path-style, without the bucket).
 */
export interface BucketOrigin extends DistributionOrigin {
  endpoint: 'rest' | 'website' | 'path-style';
  prefix: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A region (us-east-1, us-gov-west-1, cn-north-1, eu-central-2), or S3's legacy external-1.
const REGION = '(?:[a-z]{2}(?:-[a-z]+)+-\\d+|external-1)';
const AWS_DOMAIN = '\\.amazonaws\\.com(?:\\.cn)?';

/** The S3 endpoints a distribution can use for a bucket (Amazon S3 User Guide, "Endpoints"). */
function patterns(bucket: string) {
  const b = escape(bucket.toLowerCase());
  return {
    // b.s3.amazonaws.com, b.s3.REGION..., b.s3-REGION... (legacy), b.s3.dualstack.REGION...
    rest: new RegExp(`^${b}\\.s3(?:\\.dualstack)?(?:[.-]${REGION})?${AWS_DOMAIN}$`),
    // b.s3-website-REGION... and b.s3-website.REGION...
    website: new RegExp(`^${b}\\.s3-website[.-]${REGION}${AWS_DOMAIN}$`),
    // s3.amazonaws.com, s3.REGION..., s3-REGION..., with the bucket first in the origin path.
    pathStyle: new RegExp(`^s3(?:\\.dualstack)?(?:[.-]${REGION})?${AWS_DOMAIN}$`),
  };
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');

/** The origin as an origin of `bucket`, or undefined when it reaches something else. */
export function bucketOrigin(origin: DistributionOrigin, bucket: string): BucketOrigin | undefined {
  const domain = origin.domainName.toLowerCase().replace(/\.$/, '');
  const p = patterns(bucket);
  const path = trimSlashes(origin.originPath);
  if (p.rest.test(domain)) return { ...origin, endpoint: 'rest', prefix: path };
  if (p.website.test(domain)) return { ...origin, endpoint: 'website', prefix: path };
  if (p.pathStyle.test(domain)) {
    const [first, ...rest] = path.split('/');
    if (first === bucket) return { ...origin, endpoint: 'path-style', prefix: rest.join('/') };
  }
  return undefined;
}

/** CloudFront wants a path URL-encoded where it is not plain ASCII; `*` may only end it. */
const encodePath = (key: string) =>
  '/' +
  key
    .split('/')
    .map((segment) =>
      segment.endsWith('*') ? `${encodeURIComponent(segment.slice(0, -1))}*` : encodeURIComponent(segment),
    )
    .join('/');

/**
 * The viewer paths at which `origins` serve `keys` (object keys, or key prefixes ending in *):
 * the origin's prefix taken off. Keys outside every origin's prefix are not served there. No keys:
 * `/*`, the whole cache.
 */
export function invalidationPaths(origins: readonly BucketOrigin[], keys: readonly string[]): string[] {
  if (keys.length === 0) return ['/*'];
  const paths = new Set<string>();
  for (const o of origins)
    for (const key of keys) {
      if (!o.prefix) paths.add(encodePath(key));
      else if (key.startsWith(`${o.prefix}/`)) paths.add(encodePath(key.slice(o.prefix.length + 1)));
    }
  return [...paths];
}
