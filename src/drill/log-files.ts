import { DRILL_PARTITION } from '../aws/drill.js';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Log files where AWS would have delivered them. Emulators never write CloudTrail or server
 * access logs, so the drill writes them itself, under the real key layouts, with a few records
 * of the vendor user at work in each.
 */

export interface LogFile {
  key: string;
  body: Buffer;
  contentType: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const day = (t: Date) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
const compact = (t: Date, seconds: boolean) =>
  `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${seconds ? pad(t.getUTCSeconds()) : ''}Z`;

export interface TrailLocation {
  account: string;
  region: string;
  trail: string;
}

/**
 * A log file and the digest file of the same delivery:
 * `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`
 * and `AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz`.
 */
export function cloudTrailFiles(at: Date, where: TrailLocation, records: object[]): LogFile[] {
  const { account, region, trail } = where;
  const unique = randomBytes(8).toString('hex');
  const log = `AWSLogs/${account}/CloudTrail/${region}/${day(at)}/${account}_CloudTrail_${region}_${compact(at, false)}_${unique}.json.gz`;
  const digest = `AWSLogs/${account}/CloudTrail-Digest/${region}/${day(at)}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${compact(at, true)}.json.gz`;
  const digestBody = {
    awsAccountId: account,
    digestEndTime: at.toISOString(),
    digestS3Bucket: 'see the trail',
    logFiles: [{ s3Object: log }],
  };
  return [
    { key: log, body: gzipSync(JSON.stringify({ Records: records })), contentType: 'application/json' },
    { key: digest, body: gzipSync(JSON.stringify(digestBody)), contentType: 'application/json' },
  ];
}

/** One CloudTrail data event: the vendor's key writing an object of the bucket. */
export function putObjectEvent(at: Date, account: string, user: string, bucket: string, key: string) {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:${DRILL_PARTITION}:iam::${account}:user/${user}`,
      accountId: account,
      userName: user,
    },
    eventTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.77',
    userAgent: 'genai-media-sync/2.3 aws-sdk-python/1.34',
    requestParameters: { bucketName: bucket, key },
    eventCategory: 'Data',
  };
}

/** `<prefix>YYYY-MM-DD-HH-MM-SS-<unique>`: a server access log file, with one GET from outside. */
export function accessLogFile(at: Date, prefix: string, bucket: string, key: string): LogFile {
  const stamp = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}-${pad(at.getUTCHours())}-${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}`;
  const unique = randomBytes(8).toString('hex').toUpperCase();
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const when = `${pad(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
  const line = `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be ${bucket} [${when}] 198.51.100.23 - ${unique} REST.GET.OBJECT ${key} "GET /${key} HTTP/1.1" 200 - 48211 48211 12 11 "https://social.example/post/8812" "Mozilla/5.0" - drill= SigV4 - - ${bucket}.s3.amazonaws.com TLSv1.3 - -\n`;
  return { key: `${prefix}${stamp}-${unique}`, body: Buffer.from(line), contentType: 'text/plain' };
}
