import { appendFileSync } from 'node:fs';
import {
  GetObjectLockConfigurationCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type Observed } from '../../../src/steps/s3-object-lock.js';
import { DEFAULTS, jsonlArtefact, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const restore = step.restore!;
const RELEASE = { ...DEFAULTS, releaseHolds: true };
const params = { bucket: 'media', retentionDays: 30, batchThreshold: 100_000 };

/** What a journal written before s3-legal-holds recorded: this step placed the holds then. */
const observed = (lockOn: boolean): Observed =>
  ({
    bucket: 'media',
    versioning: null,
    objectLock: lockOn ? { enabled: true, mode: 'GOVERNANCE', days: 1 } : null,
    versions: 4,
    deleteMarkers: 1,
    alreadyHeld: 0,
    holds: 'per-version',
  }) as Observed;

// v1 and v2 drp held; v3 was held before (heldBefore); d1 is a delete marker.
const MANIFEST = [
  { key: 'a.mp4', versionId: 'v1', heldBefore: false, heldNow: true, requestId: 'R1' },
  { key: 'a.mp4', versionId: 'v2', heldBefore: false, heldNow: true, requestId: 'R2' },
  { key: 'b.mp4', versionId: 'v3', heldBefore: true, heldNow: true },
  { key: 'c.mp4', versionId: 'd1', isDeleteMarker: true, heldBefore: false, heldNow: false },
];

function contained(lockOn: boolean, lines = MANIFEST) {
  const manifest = jsonlArtefact('legal-holds-media.jsonl', lines);
  const recorded = recordedOf(
    params,
    observed(lockOn),
    { data: { held: 2, manifest: manifest.ref } },
    manifest.artefact,
    [{ action: 'put-bucket-versioning', target: 's3://media' }],
  );
  return { recorded, manifest };
}

const released = () =>
  s3.commandCalls(PutObjectLegalHoldCommand).map((c) => {
    const i = c.args[0].input;
    return `${i.Key}@${i.VersionId}=${i.LegalHold?.Status}`;
  });

describe('s3-object-lock restore of a journal from before s3-legal-holds (this step held the versions)', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'R-OFF' } });
  });

  it('keeps the holds by default, and says Object Lock and versioning cannot be undone', async () => {
    const { recorded } = contained(false);
    // As such a run did: versioning, then Object Lock with drp's retention, which is removed.
    recorded.plan.changes.push({ action: 'put-object-lock-configuration', target: 's3://media' });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
      },
    });
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes.map((c) => c.action)).toEqual(['remove-default-retention']);
    expect(p.kept).toEqual([
      'Object Lock stays enabled on s3://media: S3 cannot turn it off once it is enabled',
      'versioning stays Enabled on s3://media: S3 cannot suspend it on a bucket with Object Lock',
      'the 2 legal holds drp placed on s3://media stay ON: they are evidence; --release-holds sets OFF exactly those',
    ]);
  });

  it('--release-holds sets OFF exactly the holds drp placed, from the manifest', async () => {
    const { recorded } = contained(true);
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, RELEASE);
    expect(p.changes).toEqual([
      expect.objectContaining({ action: 'release-legal-hold', target: 's3://media', count: 2 }),
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    const { ctx, artefacts } = testContext();
    const applied = await restore.apply(ctx, recorded, p);
    expect(released().sort()).toEqual(['a.mp4@v1=OFF', 'a.mp4@v2=OFF']);
    expect(applied.data).toMatchObject({ released: 2, gone: 0 });
    expect(artefacts.map((a) => a.name)).toEqual(['released-holds-media.jsonl']);
  });

  it('after a resumed run, also releases what the cut-off run held when Object Lock was off before', async () => {
    const { recorded } = contained(false);
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, RELEASE);
    expect(p.changes[0]?.count).toBe(3);
    await restore.apply(testContext().ctx, recorded, p);
    expect(released().sort()).toEqual(['a.mp4@v1=OFF', 'a.mp4@v2=OFF', 'b.mp4@v3=OFF']);
  });

  it('refuses a manifest edited since the run, before sending anything', async () => {
    const { recorded, manifest } = contained(true);
    appendFileSync(
      manifest.file,
      `${JSON.stringify({ key: 'x', versionId: 'v9', heldBefore: false, heldNow: true })}\n`,
    );
    await expect(restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, RELEASE)).rejects.toThrow(
      /changed since the run wrote it .*not acting on it/,
    );
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  });

  it('leaves the holds of an S3 Batch Operations job, and says so', async () => {
    const recorded = recordedOf(params, observed(false), { data: { jobId: 'job-1' } });
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, RELEASE);
    expect(p.changes).toEqual([]);
    expect(p.kept).toContainEqual(expect.stringMatching(/S3 Batch Operations job job-1 stay ON/));
  });

  it('a release failing part-way is a StepFailure counting what was released', async () => {
    const { recorded } = contained(true);
    s3.on(PutObjectLegalHoldCommand, { VersionId: 'v2' }).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'denied' }),
    );
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, RELEASE);
    const { ctx } = testContext({
      settings: { concurrency: 1, evidenceDir: '/nonexistent', evidenceBucket: 'e' },
    });
    const err = await restore.apply(ctx, recorded, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as StepFailure).partial.data).toMatchObject({ released: 1 });
    expect((err as StepFailure).partial.changes[0]?.detail).toBe('1 of 2 version(s) drp held set OFF');
  });
});

const LOCK_SET = { action: 'put-object-lock-configuration', target: 's3://media' };
const lockConfig = (mode?: 'GOVERNANCE' | 'COMPLIANCE', days?: number) => ({
  ObjectLockConfiguration: {
    ObjectLockEnabled: 'Enabled' as const,
    ...(mode ? { Rule: { DefaultRetention: { Mode: mode, Days: days } } } : {}),
  },
});

describe('s3-object-lock restore: the default retention drp set', () => {
  const now: Observed = { bucket: 'media', versioning: { status: 'Enabled' }, objectLock: null };
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectLockConfigurationCommand).resolves({ $metadata: { requestId: 'R-RULE' } });
    s3.on(GetObjectLockConfigurationCommand).resolves(lockConfig('GOVERNANCE', 30));
  });

  it('removes it when the bucket had none (Object Lock itself stays on: S3 cannot turn it off)', async () => {
    const recorded = recordedOf(
      { bucket: 'media', retentionDays: 30 },
      now,
      { changes: [LOCK_SET] },
      undefined,
      [LOCK_SET],
    );
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLockConfigurationCommand, 0);
    expect(p.changes).toEqual([
      {
        action: 'remove-default-retention',
        target: 's3://media',
        detail: expect.stringMatching(/^no default retention, as before drp \(Object Lock stays enabled/),
      },
    ]);
    expect(p.drift).toEqual([]);
    expect(p.kept).toEqual([
      'Object Lock stays enabled on s3://media: S3 cannot turn it off once it is enabled',
    ]);
    const applied = await restore.apply(testContext().ctx, recorded, p);
    // S3 removes a default retention by a configuration without a Rule.
    expect(s3.commandCalls(PutObjectLockConfigurationCommand)[0]!.args[0].input).toEqual({
      Bucket: 'media',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    expect(applied).toMatchObject({ changes: p.changes, requestIds: ['R-RULE'] });
  });

  it("puts back the bucket's own shorter retention when it had one", async () => {
    const before: Observed = { ...now, objectLock: { enabled: true, mode: 'GOVERNANCE', days: 1 } };
    const recorded = recordedOf({ bucket: 'media', retentionDays: 30 }, before, { changes: [LOCK_SET] });
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([expect.objectContaining({ action: 'put-object-lock-configuration' })]);
    expect(p.kept).toEqual([]);
    await restore.apply(testContext().ctx, recorded, p);
    expect(s3).toHaveReceivedCommandWith(PutObjectLockConfigurationCommand, {
      Bucket: 'media',
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    });
  });

  it('has nothing to put back when the retention is already as before, and touches nothing drp did not change', async () => {
    s3.on(GetObjectLockConfigurationCommand).resolves(lockConfig());
    const removed = recordedOf({ bucket: 'media', retentionDays: 30 }, now, { changes: [LOCK_SET] });
    expect(
      (await restore.plan(testContext({ aws: testPorts(true) }).ctx, removed, DEFAULTS)).changes,
    ).toEqual([]);
    const untouched = recordedOf({ bucket: 'media', retentionDays: 30 }, now, { outcome: 'nothing-to-do' });
    expect(
      (await restore.plan(testContext({ aws: testPorts(true) }).ctx, untouched, DEFAULTS)).changes,
    ).toEqual([]);
    expect(s3).toHaveReceivedCommandTimes(GetObjectLockConfigurationCommand, 1);
  });

  it('warns of drift when the retention was changed since drp set it', async () => {
    s3.on(GetObjectLockConfigurationCommand).resolves(lockConfig('COMPLIANCE', 10));
    const recorded = recordedOf({ bucket: 'media', retentionDays: 30 }, now, { changes: [LOCK_SET] });
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.drift).toEqual([
      'the default retention of s3://media is now COMPLIANCE 10 days, not GOVERNANCE 30 days as drp left it: changed since',
    ]);
    expect(p.changes.map((c) => c.action)).toEqual(['remove-default-retention']);
  });
});
