import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ListObjectVersionsCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ArtefactRef } from '../../../../src/journal/entry.js';
import { ArtefactStore } from '../../../../src/journal/artefacts.js';
import { StepFailure } from '../../../../src/steps/define.js';
import { holdEveryVersion, type HoldResult } from '../../../../src/steps/lib/legal-holds.js';
import { scratch } from '../../../support/drp.js';
import { mockListing, version } from '../../../support/s3-versions.js';
import { testContext } from '../../../support/step-context.js';

const s3 = mockClient(S3Client);
const s3Error = (name: string, status: number, message: string) =>
  new S3ServiceException({ name, $fault: 'server', $metadata: { httpStatusCode: status }, message });

/** A context whose artefacts are real files (as in a run), with the refs the journal would record. */
function onDisk(concurrency = 8) {
  const dir = scratch();
  const journaled: ArtefactRef[] = [];
  const { ctx } = testContext({
    artefacts: new ArtefactStore(dir, async (ref) => void journaled.push(ref)),
    settings: { ...testContext().ctx.settings, concurrency },
  });
  const manifest = () => {
    try {
      return readFileSync(join(dir, 'artefacts', 'legal-holds-media.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { versionId: string; heldNow: boolean; error?: string });
    } catch {
      return [];
    }
  };
  return { ctx, journaled, manifest };
}

async function until(ready: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const VERSIONS = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'];

describe('the legal-hold manifest is written as the holds happen', () => {
  beforeEach(() => s3.reset());

  it('every placed hold is in the file while the holds still run, and a failure mid-way leaves each of them there', async () => {
    mockListing(s3, [{ versions: VERSIONS.map((v) => version(`k-${v}`, v)) }]);
    const placed: string[] = [];
    let failV5!: (err: Error) => void;
    s3.on(PutObjectLegalHoldCommand).callsFake((input: { VersionId: string }) => {
      // v5 hangs in flight until the test fails it: the run is mid-way meanwhile.
      if (input.VersionId === 'v5') return new Promise((_, reject) => (failV5 = reject));
      placed.push(input.VersionId);
      return Promise.resolve({ $metadata: { requestId: `R-${input.VersionId}` } });
    });
    const { ctx, journaled, manifest } = onDisk();
    const running = holdEveryVersion(ctx, 'media', { checkHolds: false }).catch((e: unknown) => e);

    await until(() => placed.length === 5 && failV5 !== undefined);
    // Mid-way, before any close: each placed hold has reached the file (bounded buffering).
    await until(() => manifest().length === 5);
    expect(
      manifest()
        .map((l) => l.versionId)
        .sort(),
    ).toEqual([...placed].sort());
    expect(manifest().every((l) => l.heldNow)).toBe(true);
    expect(journaled).toEqual([]);

    failV5(s3Error('AccessDenied', 403, 'Access Denied'));
    const err = (await running) as StepFailure<HoldResult>;
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.partial).toMatchObject({ placed: 5 });
    const final = manifest();
    expect(
      final
        .filter((l) => l.heldNow)
        .map((l) => l.versionId)
        .sort(),
    ).toEqual([...placed].sort());
    expect(final.find((l) => l.versionId === 'v5')).toMatchObject({ heldNow: false, error: 'AccessDenied' });
    // Closed and journaled on the way out, with the SHA-256 of what is on disk.
    expect(journaled).toEqual([
      expect.objectContaining({ name: 'legal-holds-media.jsonl', size: expect.any(Number) }),
    ]);
  });

  it('an exception from the listing itself still closes the manifest with every hold placed before it', async () => {
    mockListing(s3, [
      { versions: [version('a', 'v1'), version('b', 'v2')] },
      { versions: [version('c', 'v3')] },
    ]);
    s3.on(ListObjectVersionsCommand, { KeyMarker: 'key-marker-1' }).rejects(
      s3Error('InternalError', 500, 'We encountered an internal error. Please try again.'),
    );
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'R' } });
    const { ctx, journaled, manifest } = onDisk();
    const err = (await holdEveryVersion(ctx, 'media', { checkHolds: false }).catch(
      (e: unknown) => e,
    )) as StepFailure<HoldResult>;
    expect(err).toBeInstanceOf(StepFailure);
    expect((err.cause as Error).name).toBe('InternalError');
    expect(manifest().map((l) => l.versionId)).toEqual(['v1', 'v2']);
    expect(err.partial.manifest.path).toBe('artefacts/legal-holds-media.jsonl');
    expect(journaled).toHaveLength(1);
  });
});
