import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArtefactStore } from '../../../src/journal/artefacts.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/preserve-bucket-state.js';
import { scratch } from '../../support/drp.js';
import { testContext } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const BUCKET = 'drp-evidence-123456789012-us-east-1';
const FOLDER = 'incidents/INC-TEST-1/bucket-state/20261125T030000Z/';
const b64 = (text: string) => createHash('sha256').update(text).digest('base64');

async function storeWith(files: Record<string, string>) {
  const store = new ArtefactStore(scratch(), async () => undefined);
  for (const [name, content] of Object.entries(files)) await store.write(name, content);
  return store;
}

describe('preserve-bucket-state', () => {
  beforeEach(() => {
    s3.reset();
    let n = 0;
    s3.on(PutObjectCommand).callsFake(async () => ({
      VersionId: `v${++n}`,
      $metadata: { requestId: `R${n}` },
    }));
  });

  it('plans one upload of every artefact written before it, to the incident folder', async () => {
    const { ctx } = testContext();
    expect((await step.plan(ctx, {})).changes).toEqual([
      {
        action: 'upload-artefacts',
        target: `s3://${BUCKET}/incidents/INC-TEST-1/bucket-state/`,
        detail: expect.stringContaining('under legal hold'),
      },
    ]);
  });

  it('streams each artefact from disk with its journaled SHA-256 and a legal hold, and records where it went', async () => {
    const snapshot = '{"policy":null}\n';
    const manifest = 'key,versionId\na,1\n';
    const store = await storeWith({ 's3-config-media.json': snapshot, 'versions-media.csv': manifest });
    const { ctx } = testContext({ artefacts: store });
    const applied = await step.apply(ctx, {}, await step.plan(ctx, {}));

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Body)).toEqual([expect.any(Readable), expect.any(Readable)]);
    expect(puts.map(({ Body: _b, ...rest }) => rest)).toEqual([
      {
        Bucket: BUCKET,
        Key: `${FOLDER}s3-config-media.json`,
        ContentLength: snapshot.length,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: b64(snapshot),
        ObjectLockLegalHoldStatus: 'ON',
      },
      {
        Bucket: BUCKET,
        Key: `${FOLDER}versions-media.csv`,
        ContentLength: manifest.length,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: b64(manifest),
        ObjectLockLegalHoldStatus: 'ON',
      },
    ]);
    expect(applied.data).toEqual({
      uploads: [
        expect.objectContaining({
          name: 's3-config-media.json',
          location: `s3://${BUCKET}/${FOLDER}s3-config-media.json`,
          versionId: 'v1',
        }),
        expect.objectContaining({
          name: 'versions-media.csv',
          versionId: 'v2',
          sha256: createHash('sha256').update(manifest).digest('hex'),
        }),
      ],
    });
    expect(applied.changes).toEqual([
      expect.objectContaining({
        action: 'upload-artefacts',
        count: 2,
        detail: 's3-config-media.json, versions-media.csv',
      }),
    ]);
    expect(applied.requestIds).toEqual(['R1', 'R2']);
  });

  it('has nothing to do, and says so, when no artefact was written before it', async () => {
    const { ctx } = testContext({ artefacts: await storeWith({}) });
    const applied = await step.apply(ctx, {}, await step.plan(ctx, {}));
    expect(applied.changes).toEqual([]);
    expect(applied.notes).toEqual([expect.stringMatching(/nothing to upload/)]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('fails with the uploads already made when one is refused', async () => {
    s3.reset();
    s3.on(PutObjectCommand)
      .resolvesOnce({ VersionId: 'v1', $metadata: {} })
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const store = await storeWith({ 'a.json': '{}', 'b.json': '[]' });
    const { ctx } = testContext({ artefacts: store });
    const error = (await step
      .apply(ctx, {}, await step.plan(ctx, {}))
      .catch((e: unknown) => e)) as StepFailure;
    expect(error).toBeInstanceOf(StepFailure);
    expect(error.partial.data).toEqual({
      uploads: [expect.objectContaining({ name: 'a.json', versionId: 'v1' })],
    });
  });
});
