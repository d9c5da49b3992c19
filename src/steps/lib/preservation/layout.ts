import type { S3Port } from '../../../aws/s3.js';
import type { ListedObject } from '../../../aws/s3-evidence.js';

/**
 * Where evidence goes in the evidence bucket. Everything of an incident is under
 * `incidents/<incident-id>/`; copies keep their source bucket and key, so a regulator can match
 * each file to its origin without the manifest.
 */
export const incidentPrefix = (incidentId: string) => `incidents/${incidentId}/`;

export const copyKey = (
  incidentId: string,
  kind: 'cloudtrail' | 'access-logs' | 'flow-logs',
  bucket: string,
  key: string,
) => `${incidentPrefix(incidentId)}${kind}/${bucket}/${key}`;

/**
 * Where the copies of one source bucket go: plain data, so that a worker thread can be handed it.
 * `copyTo`: a key under `from` is copied to the same path under `to` (CloudWatch Logs exports,
 * already in the evidence bucket); any other key to `incidents/<id>/<kind>/<bucket>/<key>`.
 */
export interface CopyDestination {
  incidentId: string;
  kind: 'cloudtrail' | 'access-logs' | 'flow-logs';
  bucket: string;
  copyTo?: { from: string; to: string };
}

/** The evidence key of a source key. */
export function destinationKey(d: CopyDestination, key: string): string {
  const to = d.copyTo;
  if (to && key.startsWith(to.from)) return `${to.to}${key.slice(to.from.length)}`;
  return copyKey(d.incidentId, d.kind, d.bucket, key);
}

export const s3Uri = (bucket: string, key = '') => (key ? `s3://${bucket}/${key}` : `s3://${bucket}`);

/** "20261124T1015Z" or "20261124T101500Z" in a CloudTrail log or digest file name. */
const CLOUDTRAIL_TIME = /_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)?Z[_.]/;
/** "2026-11-24-10-15-00-<unique>": a server access log file name. */
const ACCESS_LOG_TIME = /(?:^|\/)(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-[^/]*$/;

function timeIn(key: string, pattern: RegExp): Date | undefined {
  const m = pattern.exec(key);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** "_20261124T1015Z_" in a VPC Flow Logs file name: <account>_vpcflowlogs_<region>_<flow-log-id>_<time>_<hash>.log.gz */
const FLOW_LOG_TIME = /_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)Z_[^/]*$/;

export const cloudTrailFileTime = (key: string) => timeIn(key, CLOUDTRAIL_TIME);
export const flowLogFileTime = (key: string) => timeIn(key, FLOW_LOG_TIME);
export const accessLogFileTime = (key: string) => timeIn(key, ACCESS_LOG_TIME);

/**
 * Whether a log file belongs to the window. A file's name carries the time it was written, and
 * it holds only events from before that time: a file named before the window start holds
 * nothing from inside the window. Without a parseable name, its LastModified decides.
 */
export function inWindow(o: ListedObject, fileTime: Date | undefined, start: Date): boolean {
  const time = fileTime ?? o.lastModified;
  return time === undefined || time.getTime() >= start.getTime();
}

/**
 * Every object under each prefix that `keep` accepts. The next listing page is requested as soon
 * as the current one arrives, so copies of one page overlap the listing of the next.
 */
export async function* objectsUnder(
  s3: S3Port,
  bucket: string,
  prefixes: readonly string[],
  keep: (o: ListedObject) => boolean,
): AsyncGenerator<ListedObject> {
  for (const prefix of prefixes) {
    const pages = s3.listObjectsUnder(bucket, prefix)[Symbol.asyncIterator]();
    let next = pages.next();
    for (;;) {
      const page = await next;
      if (page.done) break;
      next = pages.next();
      // If the consumer stops early, this prefetch is never awaited: keep its failure quiet.
      next.catch(() => undefined);
      for (const o of page.value) if (keep(o)) yield o;
    }
  }
}

/** Keys already under a destination prefix: a re-run copies only what is not preserved yet. */
export async function keysUnder(s3: S3Port, bucket: string, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of s3.listObjectsUnder(bucket, prefix)) for (const o of page) keys.add(o.key);
  return keys;
}
