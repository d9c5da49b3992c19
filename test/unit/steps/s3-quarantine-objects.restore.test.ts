import {
  GetObjectTaggingCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/s3-quarantine-objects.js';
import { DEFAULTS, jsonlArtefact, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const restore = step.restore!;
const params = { bucket: 'media', findingsFrom: 'scan', enabled: true };

// The quarantine log of the run: what drp did to each finding version.
const LOG = [
  { key: 'a.png', versionId: 'v1', legalHold: 'placed', tags: 'merged' },
  { key: 'b.png', versionId: 'v2', legalHold: 'already on', tags: 'merged' },
  { key: 'c.png', versionId: 'v3', legalHold: 'placed', tags: 'already' },
  { key: 'd.png', versionId: 'v4', legalHold: 'already on', tags: 'already' },
];

function contained() {
  const log = jsonlArtefact('quarantine-quarantine.jsonl', LOG);
  return recordedOf(
    params,
    { bucket: 'media', enabled: true },
    { data: { held: 2, tagged: 2, log: log.ref } },
    log.artefact,
  );
}

describe('s3-quarantine-objects restore', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'R-OFF' } });
    s3.on(PutObjectTaggingCommand).resolves({ $metadata: { requestId: 'R-TAG' } });
    s3.on(GetObjectTaggingCommand).resolves({
      TagSet: [
        { Key: 'team', Value: 'media' },
        { Key: 'drp:quarantine', Value: 'true' },
        { Key: 'drp:incident', Value: 'INC-TEST-1' },
      ],
    });
  });

  it('keeps quarantine holds and tags by default', async () => {
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, contained(), DEFAULTS);
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual([expect.stringMatching(/stay: they are evidence; --release-holds/)]);
  });

  it('--release-holds releases only the holds drp placed and removes only the tags drp added, keeping the others', async () => {
    const recorded = contained();
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, {
      ...DEFAULTS,
      releaseHolds: true,
    });
    expect(p.changes.map((c) => [c.action, c.count])).toEqual([
      ['release-legal-hold', 2],
      ['remove-drp-tags', 2],
    ]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    await restore.apply(testContext().ctx, recorded, p);
    const holds = s3.commandCalls(PutObjectLegalHoldCommand).map((c) => c.args[0].input);
    expect(holds.map((h) => `${h.VersionId}=${h.LegalHold?.Status}`).sort()).toEqual(['v1=OFF', 'v3=OFF']);
    const tagged = s3.commandCalls(PutObjectTaggingCommand).map((c) => c.args[0].input);
    expect(tagged.map((t) => t.VersionId).sort()).toEqual(['v1', 'v2']);
    for (const t of tagged) expect(t.Tagging?.TagSet).toEqual([{ Key: 'team', Value: 'media' }]);
  });
});
