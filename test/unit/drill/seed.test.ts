import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { DrillSeedPort } from '../../../src/aws/drill-seed.js';
import { deepfakeS3Leak } from '../../../src/drill/scenario.js';
import { seedIncident } from '../../../src/drill/seed.js';
import { accessLogFileTime, cloudTrailFileTime } from '../../../src/steps/lib/preservation/layout.js';

const NOW = new Date('2026-11-25T03:00:00.000Z');
const ACCOUNT = '123456789012';
const scenario = deepfakeS3Leak('t001');

/** A seed port that records what was written, in order. */
function recordingPort() {
  const calls: [string, ...unknown[]][] = [];
  const objects = new Map<string, Buffer | string>();
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return undefined;
    };
  let keys = 0;
  const port: DrillSeedPort = {
    createBucket: record('createBucket'),
    enableVersioning: record('enableVersioning'),
    putBucketPolicy: record('putBucketPolicy'),
    allowLogDelivery: record('allowLogDelivery'),
    putBucketLogging: record('putBucketLogging'),
    putObject: async (bucket, key, body) => {
      calls.push(['putObject', bucket, key]);
      objects.set(`${bucket}/${key}`, body);
    },
    putDeleteMarker: record('putDeleteMarker'),
    createUser: record('createUser'),
    createAccessKey: async (user) => {
      calls.push(['createAccessKey', user]);
      return `AKIA${++keys}`;
    },
    putUserPolicy: record('putUserPolicy'),
    createRole: record('createRole'),
    putRolePolicy: record('putRolePolicy'),
    organizationWithScps: async () => {
      calls.push(['organizationWithScps']);
      return 'r-ab12';
    },
    createTrail: record('createTrail'),
    startLogging: record('startLogging'),
    createAccount: async (name) => (calls.push(['createAccount', name]), '111111111111'),
    inAccount: async () => {
      throw new Error('not in this test');
    },
  };
  return { port, calls, objects };
}

describe('seedIncident', () => {
  it('across accounts: the trail bucket and its log files in the log archive, the organization in the management account, the rest in the workload', async () => {
    const workload = recordingPort();
    const archive = recordingPort();
    const management = recordingPort();
    await seedIncident(workload.port, scenario, {
      account: '111111111111',
      region: 'us-east-1',
      now: NOW,
      logArchive: archive.port,
      management: management.port,
    });
    expect(archive.calls.filter((c) => c[0] === 'createBucket')).toEqual([
      ['createBucket', scenario.trailBucket],
    ]);
    expect(
      archive.calls.some((c) => c[0] === 'putObject' && String(c[2]).includes('/111111111111/CloudTrail/')),
    ).toBe(true);
    expect(management.calls.map((c) => c[0])).toEqual(['organizationWithScps']);
    expect(workload.calls.filter((c) => c[0] === 'createBucket').map((c) => c[1])).toEqual([
      scenario.bucket,
      scenario.logBucket,
    ]);
    expect(workload.calls).toContainEqual(['createTrail', scenario.trail, scenario.trailBucket]);
    expect(workload.calls.some((c) => c[0] === 'organizationWithScps')).toBe(false);
  });

  it('seeds the leaked bucket: versions, synthetic overwrites, delete markers, a public policy, access logging', async () => {
    const { port, calls } = recordingPort();
    const seeded = await seedIncident(port, scenario, { account: ACCOUNT, region: 'us-east-1', now: NOW });
    const puts = calls.filter((c) => c[0] === 'putObject' && c[1] === scenario.bucket);
    expect(puts).toHaveLength(240 + 36);
    expect(new Set(puts.map((c) => c[2])).size).toBe(240);
    const markers = calls.filter((c) => c[0] === 'putDeleteMarker');
    expect(markers).toHaveLength(2);
    expect(seeded).toMatchObject({
      versions: 276,
      deleteMarkers: 2,
      rootId: 'r-ab12',
      accessKeyIds: ['AKIA1', 'AKIA2'],
    });
    // A delete marker goes on an image after its synthetic version was written.
    const lastPut = calls.findLastIndex((c) => c[0] === 'putObject' && c[2] === markers[0]![2]);
    expect(calls.indexOf(markers[0]!)).toBeGreaterThan(lastPut);
    expect(seeded.policyStatements).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }),
    );
    expect(calls).toContainEqual(['putBucketLogging', scenario.bucket, scenario.logBucket, 'access/']);
    expect(calls).toContainEqual(['enableVersioning', scenario.bucket]);
  });

  it('gives the vendor user two keys and s3:* on the bucket, and the role a /media/ path Lambda assumes', async () => {
    const { port, calls } = recordingPort();
    await seedIncident(port, scenario, { account: ACCOUNT, region: 'us-east-1', now: NOW });
    const policy = calls.find((c) => c[0] === 'putUserPolicy')!;
    expect(policy[1]).toBe(scenario.user);
    expect(JSON.parse(policy[3] as string).Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${scenario.bucket}`, `arn:aws:s3:::${scenario.bucket}/*`],
    });
    const role = calls.find((c) => c[0] === 'createRole')!;
    expect(role.slice(1, 3)).toEqual([scenario.role, '/media/']);
    expect(JSON.parse(role[3] as string).Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    expect(calls.filter((c) => c[0] === 'createAccessKey')).toHaveLength(2);
    expect(calls.map((c) => c[0])).toEqual(
      expect.arrayContaining(['organizationWithScps', 'createTrail', 'startLogging']),
    );
  });

  it("writes CloudTrail log and digest files under the real layout, dated inside and outside drp's 7-day window", async () => {
    const { port, objects } = recordingPort();
    const seeded = await seedIncident(port, scenario, { account: ACCOUNT, region: 'us-east-1', now: NOW });
    const start = NOW.getTime() - 7 * 24 * 3_600_000;
    const { inWindow, outOfWindow } = seeded.trailFiles;
    expect(inWindow).toHaveLength(scenario.trailHoursAgo.inWindow.length * 2);
    expect(outOfWindow).toHaveLength(scenario.trailHoursAgo.outOfWindow.length * 2);
    const layout = new RegExp(
      `^AWSLogs/${ACCOUNT}/(CloudTrail/us-east-1/\\d{4}/\\d\\d/\\d\\d/${ACCOUNT}_CloudTrail_us-east-1_\\d{8}T\\d{4}Z_[0-9a-f]{16}|CloudTrail-Digest/us-east-1/\\d{4}/\\d\\d/\\d\\d/${ACCOUNT}_CloudTrail-Digest_us-east-1_${scenario.trail}_us-east-1_\\d{8}T\\d{6}Z)\\.json\\.gz$`,
    );
    for (const key of [...inWindow, ...outOfWindow]) expect(key).toMatch(layout);
    // drp's own parser of those names puts them on the right side of the window.
    for (const key of inWindow) expect(cloudTrailFileTime(key)!.getTime()).toBeGreaterThan(start);
    for (const key of outOfWindow) expect(cloudTrailFileTime(key)!.getTime()).toBeLessThan(start);
    const log = gunzipSync(objects.get(`${scenario.trailBucket}/${inWindow[0]}`) as Buffer).toString();
    expect(JSON.parse(log).Records[0]).toMatchObject({
      eventName: 'PutObject',
      userIdentity: { userName: scenario.user },
    });
  });

  it('writes server access log files named as S3 names them, inside and outside the window', async () => {
    const { port } = recordingPort();
    const seeded = await seedIncident(port, scenario, { account: ACCOUNT, region: 'us-east-1', now: NOW });
    const start = NOW.getTime() - 7 * 24 * 3_600_000;
    for (const key of seeded.accessLogs.inWindow) {
      expect(key).toMatch(/^access\/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}$/);
      expect(accessLogFileTime(key)!.getTime()).toBeGreaterThan(start);
    }
    for (const key of seeded.accessLogs.outOfWindow)
      expect(accessLogFileTime(key)!.getTime()).toBeLessThan(start);
  });
});
