import type { VersionEntry } from './synthetic.js';

/**
 * The response bodies, in the shapes of the S3 API reference (ListVersionsResult,
 * ListBucketResult, CopyObjectResult, LegalHold, ...) and of STS's query protocol: what the AWS
 * SDK v3 and botocore parse.
 */

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const OWNER = '<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>';

export const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

const el = (name: string, value: string | number | boolean) => `<${name}>${escape(String(value))}</${name}>`;

export function listVersionsResult(
  bucket: string,
  q: { prefix: string; keyMarker: string; versionIdMarker: string; maxKeys: number },
  entries: VersionEntry[],
  truncated: boolean,
): string {
  const last = entries[entries.length - 1];
  const body = entries
    .map((v) =>
      v.deleteMarker
        ? `<DeleteMarker>${el('Key', v.key)}${el('VersionId', v.versionId)}${el('IsLatest', v.isLatest)}${el('LastModified', v.lastModified)}${OWNER}</DeleteMarker>`
        : `<Version>${el('Key', v.key)}${el('VersionId', v.versionId)}${el('IsLatest', v.isLatest)}${el('LastModified', v.lastModified)}${el('ETag', v.etag)}${el('Size', v.size)}<StorageClass>STANDARD</StorageClass>${OWNER}</Version>`,
    )
    .join('');
  const next =
    truncated && last ? el('NextKeyMarker', last.key) + el('NextVersionIdMarker', last.versionId) : '';
  return `${HEAD}<ListVersionsResult xmlns="${S3_NS}">${el('Name', bucket)}${el('Prefix', q.prefix)}${el('KeyMarker', q.keyMarker)}${el('VersionIdMarker', q.versionIdMarker)}${next}${el('MaxKeys', q.maxKeys)}${el('IsTruncated', truncated)}${body}</ListVersionsResult>`;
}

export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

export function listBucketResult(
  bucket: string,
  q: { prefix: string; delimiter: string; startAfter: string; token: string; maxKeys: number },
  objects: ObjectSummary[],
  commonPrefixes: string[],
  nextToken: string | undefined,
): string {
  const contents = objects
    .map(
      (o) =>
        `<Contents>${el('Key', o.key)}${el('LastModified', o.lastModified)}${el('ETag', o.etag)}${el('Size', o.size)}<StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  const prefixes = commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', p)}</CommonPrefixes>`).join('');
  return (
    `${HEAD}<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket)}${el('Prefix', q.prefix)}` +
    (q.delimiter ? el('Delimiter', q.delimiter) : '') +
    (q.startAfter ? el('StartAfter', q.startAfter) : '') +
    (q.token ? el('ContinuationToken', q.token) : '') +
    (nextToken ? el('NextContinuationToken', nextToken) : '') +
    `${el('KeyCount', objects.length + commonPrefixes.length)}${el('MaxKeys', q.maxKeys)}${el('IsTruncated', nextToken !== undefined)}${contents}${prefixes}</ListBucketResult>`
  );
}

export const copyObjectResult = (etag: string, lastModified: string, sha256?: string) =>
  `${HEAD}<CopyObjectResult>${el('ETag', etag)}${el('LastModified', lastModified)}${sha256 ? el('ChecksumSHA256', sha256) : ''}</CopyObjectResult>`;

export const legalHold = (status: string) =>
  `${HEAD}<LegalHold xmlns="${S3_NS}">${el('Status', status)}</LegalHold>`;

export const versioningConfiguration = (status: string | undefined) =>
  `${HEAD}<VersioningConfiguration xmlns="${S3_NS}">${status ? el('Status', status) : ''}</VersioningConfiguration>`;

/** GetBucketLogging of a bucket without server access logging. */
export const bucketLoggingStatus = () => `${HEAD}<BucketLoggingStatus xmlns="${S3_NS}"/>`;

export const s3Error = (code: string, message: string, requestId: string) =>
  `${HEAD}<Error>${el('Code', code)}${el('Message', message)}${el('RequestId', requestId)}</Error>`;

export const callerIdentity = (arn: string, account: string, requestId: string) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>${el('Arn', arn)}${el('UserId', 'AIDABENCHFAKE000000001')}${el('Account', account)}</GetCallerIdentityResult><ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></GetCallerIdentityResponse>`;

export const stsError = (code: string, message: string, requestId: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>${el('Code', code)}${el('Message', message)}</Error>${el('RequestId', requestId)}</ErrorResponse>`;

/** Tag text of the first <name> element in a small request body (PutBucketVersioning, ...). */
export const tagText = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
