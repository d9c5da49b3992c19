import { createHash } from 'node:crypto';
import type { FakeS3State } from './state.js';
import {
  indexOfLogKey,
  indexOfVersionId,
  keyOf,
  listKeys,
  listVersions,
  logFileTime,
  logKeyOf,
  versionEntry,
} from './synthetic.js';
import * as xml from './xml.js';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface S3Request {
  method: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  requestId: string;
}

const ok = (body = '', headers: Record<string, string> = {}, status = 200): Reply => ({
  status,
  headers,
  body,
});
const error = (status: number, code: string, message: string, r: S3Request): Reply => ({
  status,
  body: r.method === 'HEAD' ? '' : xml.s3Error(code, message, r.requestId),
});
const maxKeysOf = (q: URLSearchParams) => Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000)));
const header = (r: S3Request, name: string) => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Size, ETag and SHA-256 of log file f: what HeadObject and CopyObject report for it and its copies. */
function logObject(state: FakeS3State, index: number) {
  const key = logKeyOf(state.logs, index);
  return {
    size: 2048 + (index % 4096) * 3,
    etag: `"${createHash('md5').update(key).digest('hex')}"`,
    sha256: createHash('sha256').update(key).digest('base64'),
    lastModified: logFileTime(state.logs, index),
  };
}

/** The S3 operation a request is, by method, subresource and headers (path-style addressing). */
export function operationOf(r: S3Request): string | undefined {
  const q = r.query;
  if (!r.bucket) return undefined;
  if (!r.key) {
    if (r.method === 'HEAD') return 'HeadBucket';
    if (r.method === 'GET' && q.has('versions')) return 'ListObjectVersions';
    if (r.method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
    if (q.has('versioning')) return r.method === 'GET' ? 'GetBucketVersioning' : 'PutBucketVersioning';
    if (q.has('object-lock'))
      return r.method === 'GET' ? 'GetObjectLockConfiguration' : 'PutObjectLockConfiguration';
    if (q.has('policy')) return r.method === 'GET' ? 'GetBucketPolicy' : 'PutBucketPolicy';
    if (q.has('publicAccessBlock'))
      return r.method === 'GET' ? 'GetPublicAccessBlock' : 'PutPublicAccessBlock';
    if (q.has('logging') && r.method === 'GET') return 'GetBucketLogging';
    if (r.method === 'PUT' && [...q.keys()].every((k) => k === 'x-id')) return 'CreateBucket';
    return undefined;
  }
  if (q.has('legal-hold')) return r.method === 'GET' ? 'GetObjectLegalHold' : 'PutObjectLegalHold';
  if (r.method === 'HEAD') return 'HeadObject';
  if (r.method === 'PUT' && [...q.keys()].every((k) => k === 'x-id'))
    return header(r, 'x-amz-copy-source') ? 'CopyObject' : 'PutObject';
  return undefined;
}

/** The synthetic version a (key, versionId) names: the newest of the key when versionId is absent. */
function versionIndex(state: FakeS3State, r: S3Request): number | undefined {
  if (r.bucket !== state.bucketNames.versions) return undefined;
  const versionId = r.query.get('versionId');
  if (versionId) {
    const index = indexOfVersionId(state.versions, versionId);
    return index !== undefined && keyOf(state.versions, index) === r.key ? index : undefined;
  }
  const m = /^media\/clip-(\d{9})\.mp4$/.exec(r.key);
  const index = m ? Number(m[1]) * state.versions.perKey : NaN;
  return index < state.versions.versions ? index : undefined;
}

export function s3Reply(state: FakeS3State, op: string, r: S3Request): Reply {
  const lock = () => state.buckets.get(r.bucket) ?? {};
  switch (op) {
    case 'HeadBucket':
    case 'CreateBucket':
      return ok('', { 'x-amz-bucket-region': state.logs.region });

    case 'ListObjectVersions': {
      const q = {
        prefix: r.query.get('prefix') ?? '',
        keyMarker: r.query.get('key-marker') ?? '',
        versionIdMarker: r.query.get('version-id-marker') ?? '',
        maxKeys: maxKeysOf(r.query),
      };
      if (r.bucket !== state.bucketNames.versions) return ok(xml.listVersionsResult(r.bucket, q, [], false));
      try {
        const page = listVersions(state.versions, q);
        return ok(xml.listVersionsResult(r.bucket, q, page.entries, page.truncated));
      } catch (err) {
        return error(400, 'InvalidArgument', (err as Error).message, r);
      }
    }

    case 'ListObjectsV2': {
      const token = r.query.get('continuation-token') ?? '';
      const q = {
        prefix: r.query.get('prefix') ?? '',
        delimiter: r.query.get('delimiter') ?? '',
        startAfter: r.query.get('start-after') ?? '',
        token,
        maxKeys: maxKeysOf(r.query),
      };
      if (r.bucket !== state.bucketNames.trail)
        return ok(xml.listBucketResult(r.bucket, q, [], [], undefined));
      if (token && !/^\d+$/.test(token)) return error(400, 'InvalidArgument', 'bad continuation token', r);
      const keyAt = (i: number) => logKeyOf(state.logs, i);
      const page = listKeys(keyAt, state.logs.files, { ...q, from: token ? Number(token) : undefined });
      const objects = page.indices.map((i) => ({ key: keyAt(i), ...logObject(state, i) }));
      const next = page.next !== undefined ? String(page.next) : undefined;
      return ok(xml.listBucketResult(r.bucket, q, objects, page.commonPrefixes, next));
    }

    case 'GetBucketVersioning':
      return ok(xml.versioningConfiguration(lock().versioning ?? 'Enabled'));
    case 'PutBucketVersioning':
      state.buckets.set(r.bucket, { ...lock(), versioning: xml.tagText(r.body, 'Status') });
      return ok();
    case 'GetObjectLockConfiguration': {
      // Evidence buckets are created with Object Lock; the media bucket starts without it.
      const config =
        lock().lock ??
        (r.bucket.includes('evidence')
          ? '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>'
          : undefined);
      return config
        ? ok(config)
        : error(
            404,
            'ObjectLockConfigurationNotFoundError',
            'Object Lock configuration does not exist for this bucket',
            r,
          );
    }
    case 'PutObjectLockConfiguration':
      state.buckets.set(r.bucket, { ...lock(), lock: r.body });
      return ok();

    // What containment reads and writes before its deny lands (bench/deny.ts times it).
    case 'GetBucketPolicy':
      return lock().policy
        ? ok(lock().policy, { 'content-type': 'application/json' })
        : error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist', r);
    case 'PutBucketPolicy':
      state.buckets.set(r.bucket, { ...lock(), policy: r.body });
      return ok('', {}, 204);
    case 'GetPublicAccessBlock':
      return lock().publicAccessBlock
        ? ok(lock().publicAccessBlock)
        : error(
            404,
            'NoSuchPublicAccessBlockConfiguration',
            'The public access block configuration was not found',
            r,
          );
    case 'PutPublicAccessBlock':
      state.buckets.set(r.bucket, { ...lock(), publicAccessBlock: r.body });
      return ok();
    case 'GetBucketLogging':
      return ok(xml.bucketLoggingStatus());

    case 'PutObjectLegalHold': {
      const on = xml.tagText(r.body, 'Status') === 'ON';
      const index = versionIndex(state, r);
      if (index === undefined) {
        state.otherHolds++;
        return ok();
      }
      if (versionEntry(state.versions, index).deleteMarker) {
        state.deleteMarkerHolds++;
        return error(
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against a delete marker',
          r,
        );
      }
      state.hold(index, on);
      return ok();
    }
    case 'GetObjectLegalHold': {
      const index = versionIndex(state, r);
      const status = index === undefined ? 0 : state.holdStatus[index];
      return status
        ? ok(xml.legalHold(status === 1 ? 'ON' : 'OFF'))
        : error(
            404,
            'NoSuchObjectLockConfiguration',
            'The specified object does not have a ObjectLock configuration',
            r,
          );
    }

    case 'HeadObject':
      return headObject(state, r);
    case 'CopyObject':
      return copyObject(state, r);
    case 'PutObject':
      return ok('', {
        etag: `"${createHash('md5').update(r.body).digest('hex')}"`,
        'x-amz-version-id': r.requestId,
      });
  }
  return error(501, 'NotImplemented', `the benchmark's fake S3 does not implement ${op}`, r);
}

function headObject(state: FakeS3State, r: S3Request): Reply {
  const version = versionIndex(state, r);
  if (version !== undefined) {
    const v = versionEntry(state.versions, version);
    if (v.deleteMarker) return { status: 404, headers: { 'x-amz-delete-marker': 'true' } };
    return ok('', {
      'content-length': String(v.size),
      etag: v.etag,
      'last-modified': new Date(v.lastModified).toUTCString(),
      'x-amz-version-id': v.versionId,
      'x-amz-object-lock-legal-hold': state.holdStatus[version] === 1 ? 'ON' : 'OFF',
    });
  }
  const log =
    r.bucket === state.bucketNames.trail
      ? indexOfLogKey(state.logs, r.key)
      : state.copied.get(`${r.bucket}/${r.key}`);
  if (log === undefined) return { status: 404 };
  const o = logObject(state, log);
  return ok('', {
    'content-length': String(o.size),
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    ...(header(r, 'x-amz-checksum-mode') === 'ENABLED' ? { 'x-amz-checksum-sha256': o.sha256 } : {}),
    ...(state.copiedHeld.has(`${r.bucket}/${r.key}`) ? { 'x-amz-object-lock-legal-hold': 'ON' } : {}),
  });
}

function copyObject(state: FakeS3State, r: S3Request): Reply {
  const source = decodeURIComponent(header(r, 'x-amz-copy-source') ?? '').replace(/^\//, '');
  const [path = ''] = source.split('?versionId=');
  const slash = path.indexOf('/');
  const sourceBucket = path.slice(0, slash);
  const sourceKey = path.slice(slash + 1);
  const index =
    sourceBucket === state.bucketNames.trail
      ? indexOfLogKey(state.logs, sourceKey)
      : state.copied.get(`${sourceBucket}/${sourceKey}`);
  if (slash < 0 || index === undefined) return error(404, 'NoSuchKey', `no such key: ${source}`, r);
  state.copy(index, `${r.bucket}/${r.key}`, header(r, 'x-amz-object-lock-legal-hold') === 'ON');
  const o = logObject(state, index);
  const sha = header(r, 'x-amz-checksum-algorithm')?.toUpperCase() === 'SHA256' ? o.sha256 : undefined;
  return ok(xml.copyObjectResult(o.etag, new Date().toISOString(), sha), { 'x-amz-version-id': r.requestId });
}
