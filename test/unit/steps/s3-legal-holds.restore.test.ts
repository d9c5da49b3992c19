import { PutObjectLegalHoldCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { type Observed } from '../../../src/steps/s3-legal-holds.js';
import { DEFAULTS, jsonlArtefact, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const restore = step.restore!;
const params = { bucket: 'media', batchThreshold: 100_000 };
const observed: Observed = {
  bucket: 'media',
  objectLock: null,
  listed: { versions: 3, deleteMarkers: 1, complete: true },
};

// v1 and v2 drp held; v3 vanished before its hold; d1 is a delete marker.
const MANIFEST = [
  { key: 'a.mp4', versionId: 'v1', heldBefore: false, heldNow: true, requestId: 'R1' },
  { key: 'a.mp4', versionId: 'v2', heldBefore: false, heldNow: true, requestId: 'R2' },
  { key: 'b.mp4', versionId: 'v3', heldBefore: false, heldNow: false, vanished: 'NoSuchVersion' },
  { key: 'c.mp4', versionId: 'd1', isDeleteMarker: true, heldBefore: false, heldNow: false },
];

function contained() {
  const manifest = jsonlArtefact('legal-holds-media.jsonl', MANIFEST);
  return recordedOf(params, observed, { data: { held: 2, manifest: manifest.ref } }, manifest.artefact);
}

describe('s3-legal-holds restore', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'R-OFF' } });
  });

  it('keeps the holds by default: they are evidence', async () => {
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, contained(), DEFAULTS);
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual([
      'the 2 legal holds drp placed on s3://media stay ON: they are evidence; --release-holds sets OFF exactly those',
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
  });

  it('--release-holds sets OFF exactly the holds drp placed, not a vanished version nor a delete marker', async () => {
    const recorded = contained();
    const options = { ...DEFAULTS, releaseHolds: true };
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, options);
    expect(p.changes).toEqual([expect.objectContaining({ action: 'release-legal-hold', count: 2 })]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    const applied = await restore.apply(testContext().ctx, recorded, p);
    const released = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input);
    expect(released.map((i) => `${i.VersionId}=${i.LegalHold?.Status}`).sort()).toEqual(['v1=OFF', 'v2=OFF']);
    expect(applied.data).toMatchObject({ released: 2 });
  });

  it("leaves an S3 Batch Operations job's holds, and says so", async () => {
    const recorded = recordedOf(params, observed, { data: { jobId: 'job-1' } });
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, {
      ...DEFAULTS,
      releaseHolds: true,
    });
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual([expect.stringMatching(/S3 Batch Operations job job-1 stay ON/)]);
  });
});
