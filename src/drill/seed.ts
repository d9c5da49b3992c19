import { DRILL_PARTITION } from '../aws/drill.js';
import pLimit from 'p-limit';
import type { DrillSeedPort } from '../aws/drill-seed.js';
import { accessLogFile, cloudTrailFiles, putObjectEvent, type LogFile } from './log-files.js';
import type { Scenario } from './scenario.js';

type Statement = Record<string, unknown>;

/** What was seeded: the checks compare the emulator's state after containment against it. */
export interface SeededIncident {
  account: string;
  region: string;
  rootId: string;
  /** The bucket policy's statements before containment. */
  policyStatements: Statement[];
  accessKeyIds: string[];
  /** Object versions in the bucket (delete markers are not versions). */
  versions: number;
  deleteMarkers: number;
  /** Keys in the trail bucket: the log and digest files contain must preserve, and the older ones. */
  trailFiles: { inWindow: string[]; outOfWindow: string[] };
  /** Keys in the log bucket. */
  accessLogs: { inWindow: string[]; outOfWindow: string[] };
  /** Time the seeding took. */
  ms: number;
}

export interface SeedOptions {
  account: string;
  region: string;
  now?: Date;
  /** Parallel PUTs: moto serves ~100-190 requests a second, more in flight only queue there. */
  concurrency?: number;
  /**
   * Across accounts (drp drill --accounts multi): the trail's bucket and its log files in the log
   * archive account, the organization in the management account. Default: `seed`'s account.
   */
  logArchive?: DrillSeedPort;
  management?: DrillSeedPort;
}

const CATEGORIES = ['footwear', 'handbags', 'watches', 'outerwear', 'eyewear', 'jewellery'];
const imageKey = (i: number) => `products/${CATEGORIES[i % CATEGORIES.length]}/SKU-${10_001 + i}/main.jpg`;

/** A few hundred bytes that look like a JPEG: the drill is about versions, not pixels. */
const jpeg = (text: string) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(`JFIF ${text}`),
    Buffer.from([0xff, 0xd9]),
  ]);

const arnOf = (bucket: string) => `arn:${DRILL_PARTITION}:s3:::${bucket}`;

function mediaPolicy(s: Scenario, account: string): Statement[] {
  return [
    {
      Sid: 'PublicReadProductImages',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${arnOf(s.bucket)}/*`,
    },
    {
      Sid: 'MediaPipelineWrite',
      Effect: 'Allow',
      Principal: { AWS: `arn:${DRILL_PARTITION}:iam::${account}:role${s.rolePath}${s.role}` },
      Action: 's3:PutObject',
      Resource: `${arnOf(s.bucket)}/*`,
    },
  ];
}

const policy = (statements: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

function trailBucketPolicy(s: Scenario, account: string): string {
  const service = { Service: 'cloudtrail.amazonaws.com' };
  return policy([
    {
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: service,
      Action: 's3:GetBucketAcl',
      Resource: arnOf(s.trailBucket),
    },
    {
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: service,
      Action: 's3:PutObject',
      Resource: `${arnOf(s.trailBucket)}/AWSLogs/${account}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
  ]);
}

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

function trailLogs(s: Scenario, o: Required<Pick<SeedOptions, 'account' | 'region' | 'now'>>) {
  const where = { account: o.account, region: o.region, trail: s.trail };
  const files = (hours: number[]) =>
    hours.flatMap((h) => {
      const at = hoursBefore(o.now, h);
      return cloudTrailFiles(at, where, [putObjectEvent(at, o.account, s.user, s.bucket, imageKey(h))]);
    });
  return { inWindow: files(s.trailHoursAgo.inWindow), outOfWindow: files(s.trailHoursAgo.outOfWindow) };
}

function accessLogs(s: Scenario, now: Date) {
  const files = (hours: number[]) =>
    hours.map((h) => accessLogFile(hoursBefore(now, h), 'access/', s.bucket, imageKey(h)));
  return {
    inWindow: files(s.accessLogHoursAgo.inWindow),
    outOfWindow: files(s.accessLogHoursAgo.outOfWindow),
  };
}

/**
 * Seeds the scenario's incident: the leaked bucket (versioned, public-read statement, no Block
 * Public Access, access logging), its product images with synthetic overwrites and delete
 * markers, the vendor user with two active keys and s3:* on the bucket, the media pipeline role,
 * an organization with SCPs, and a logging trail whose bucket holds log and digest files.
 */
export async function seedIncident(
  seed: DrillSeedPort,
  s: Scenario,
  options: SeedOptions,
): Promise<SeededIncident> {
  const started = Date.now();
  const o = { now: new Date(), concurrency: 8, ...options };
  const archive = options.logArchive ?? seed;
  const management = options.management ?? seed;
  const limit = pLimit(o.concurrency);
  const all = <T>(items: T[], put: (item: T) => Promise<unknown>) =>
    Promise.all(items.map((item) => limit(() => put(item))));
  const putFiles = (port: DrillSeedPort, bucket: string, files: LogFile[]) =>
    all(files, (f) => port.putObject(bucket, f.key, f.body, f.contentType));

  await all([s.bucket, s.logBucket], (b) => seed.createBucket(b));
  await archive.createBucket(s.trailBucket);
  const statements = mediaPolicy(s, o.account);
  const [rootId] = await Promise.all([
    management.organizationWithScps(),
    seed.enableVersioning(s.bucket),
    seed.putBucketPolicy(s.bucket, policy(statements)),
    seed.allowLogDelivery(s.logBucket).then(() => seed.putBucketLogging(s.bucket, s.logBucket, 'access/')),
    archive.putBucketPolicy(s.trailBucket, trailBucketPolicy(s, o.account)),
    seed.createUser(s.user),
    seed.createRole(
      s.role,
      s.rolePath,
      policy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    ),
  ]);
  const vendorAccess = policy([
    {
      Sid: 'GenAiMediaSync',
      Effect: 'Allow',
      Action: 's3:*',
      Resource: [arnOf(s.bucket), `${arnOf(s.bucket)}/*`],
    },
  ]);
  const [accessKeyIds] = await Promise.all([
    Promise.all([seed.createAccessKey(s.user), seed.createAccessKey(s.user)]),
    seed.putUserPolicy(s.user, 'genai-media-sync', vendorAccess),
    seed.putRolePolicy(
      s.role,
      'media-ingest',
      policy([
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${arnOf(s.bucket)}/*` },
      ]),
    ),
    seed.createTrail(s.trail, s.trailBucket).then(() => seed.startLogging(s.trail)),
  ]);

  const images = Array.from({ length: s.images }, (_, i) => i);
  await all(images, (i) => seed.putObject(s.bucket, imageKey(i), jpeg(`product photo ${i}`), 'image/jpeg'));
  // The vendor's integration overwrote images with synthetic ones, spread over the catalogue,
  // then "deleted" a few of them.
  const every = Math.max(1, Math.floor(s.images / Math.max(1, s.overwritten)));
  const overwritten = images.filter((i) => i % every === every - 1).slice(0, s.overwritten);
  await all(overwritten, (i) =>
    seed.putObject(s.bucket, imageKey(i), jpeg(`synthetic: generated by ${s.user}`), 'image/jpeg'),
  );
  await all(overwritten.slice(0, s.deleted), (i) => seed.putDeleteMarker(s.bucket, imageKey(i)));

  const trail = trailLogs(s, o);
  const access = accessLogs(s, o.now);
  await putFiles(archive, s.trailBucket, [...trail.inWindow, ...trail.outOfWindow]);
  await putFiles(seed, s.logBucket, [...access.inWindow, ...access.outOfWindow]);
  const keys = (files: LogFile[]) => files.map((f) => f.key);
  return {
    account: o.account,
    region: o.region,
    rootId,
    policyStatements: statements,
    accessKeyIds,
    versions: s.images + overwritten.length,
    deleteMarkers: Math.min(s.deleted, overwritten.length),
    trailFiles: { inWindow: keys(trail.inWindow), outOfWindow: keys(trail.outOfWindow) },
    accessLogs: { inWindow: keys(access.inWindow), outOfWindow: keys(access.outOfWindow) },
    ms: Date.now() - started,
  };
}
