/**
 * Which AWS operation an HTTP request to the emulator is, from the request alone, the way the
 * fault proxy needs it: S3's REST-XML (path-style: /bucket/key?subresource), the query protocol
 * of IAM and STS (POST form with Action=), and the JSON protocol of Organizations (X-Amz-Target).
 */
export type Protocol = 'rest-xml' | 'query' | 'json';

export interface AwsOperation {
  protocol: Protocol;
  /** As drp names it in errors: "S3.PutObjectLegalHold", "IAM.UpdateAccessKey", "Organizations.CreatePolicy". */
  name: string;
  bucket?: string;
  key?: string;
  versionId?: string;
}

export interface RequestLine {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

const header = (r: RequestLine, name: string) => {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Sub-resource -> [operation for GET, PUT, DELETE, POST]; "Bucket"/"Object" fills in by path. */
const SUBRESOURCES: Record<string, Partial<Record<string, string>>> = {
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  versions: { GET: 'ListObjectVersions' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  publicAccessBlock: {
    GET: 'GetPublicAccessBlock',
    PUT: 'PutPublicAccessBlock',
    DELETE: 'DeletePublicAccessBlock',
  },
  'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
  acl: { GET: 'Get*Acl', PUT: 'Put*Acl' },
  tagging: { GET: 'Get*Tagging', PUT: 'Put*Tagging', DELETE: 'Delete*Tagging' },
  logging: { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' },
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  replication: {
    GET: 'GetBucketReplication',
    PUT: 'PutBucketReplication',
    DELETE: 'DeleteBucketReplication',
  },
  ownershipControls: {
    GET: 'GetBucketOwnershipControls',
    PUT: 'PutBucketOwnershipControls',
    DELETE: 'DeleteBucketOwnershipControls',
  },
  lifecycle: {
    GET: 'GetBucketLifecycleConfiguration',
    PUT: 'PutBucketLifecycleConfiguration',
    DELETE: 'DeleteBucketLifecycle',
  },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  delete: { POST: 'DeleteObjects' },
  location: { GET: 'GetBucketLocation' },
};

const PLAIN: Record<string, { bucket: string; object: string }> = {
  GET: { bucket: 'ListObjects', object: 'GetObject' },
  HEAD: { bucket: 'HeadBucket', object: 'HeadObject' },
  PUT: { bucket: 'CreateBucket', object: 'PutObject' },
  DELETE: { bucket: 'DeleteBucket', object: 'DeleteObject' },
};

function s3Operation(r: RequestLine): AwsOperation {
  const url = new URL(r.url, 'http://emulator');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  // Path-style: /bucket or /bucket/ is the bucket, /bucket/KEY an object (a key is never empty).
  const key = rest.join('/') ? decodeURIComponent(rest.join('/')) : undefined;
  const versionId = url.searchParams.get('versionId') ?? undefined;
  const where = {
    ...(bucket ? { bucket: decodeURIComponent(bucket) } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(versionId ? { versionId } : {}),
  };
  const sub = Object.keys(SUBRESOURCES).find((s) => url.searchParams.has(s));
  let name: string | undefined;
  if (sub) name = SUBRESOURCES[sub]![r.method]?.replace('*', key === undefined ? 'Bucket' : 'Object');
  else if (!bucket) name = r.method === 'GET' ? 'ListBuckets' : undefined;
  else if (r.method === 'GET' && key === undefined && url.searchParams.get('list-type') === '2')
    name = 'ListObjectsV2';
  else if (r.method === 'PUT' && key !== undefined && header(r, 'x-amz-copy-source')) name = 'CopyObject';
  else name = PLAIN[r.method]?.[key === undefined ? 'bucket' : 'object'];
  return { protocol: 'rest-xml', name: `S3.${name ?? `${r.method}${sub ? `?${sub}` : ''}`}`, ...where };
}

/** "Credential=AKID/20261125/us-east-1/iam/aws4_request" -> IAM. */
function signingService(r: RequestLine): string {
  const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(header(r, 'authorization') ?? '')?.[1];
  return (service ?? 'unknown').toUpperCase();
}

/** "AWSOrganizationsV20161128.CreatePolicy" -> Organizations.CreatePolicy. */
function jsonOperation(target: string): AwsOperation {
  const [prefix = '', action = ''] = target.split('.');
  const service = prefix.replace(/^AWS/, '').replace(/_?V?\d{8}$/, '') || prefix;
  return { protocol: 'json', name: `${service}.${action}` };
}

export function operationOf(r: RequestLine, body: Buffer): AwsOperation {
  const target = header(r, 'x-amz-target');
  if (target) return jsonOperation(target);
  const type = header(r, 'content-type') ?? '';
  if (r.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return { protocol: 'query', name: `${signingService(r)}.${action}` };
  }
  return s3Operation(r);
}
