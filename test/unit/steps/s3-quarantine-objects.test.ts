import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  PutObjectLegalHoldCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/s3-quarantine-objects.js';
import { scratch } from '../../support/drp.js';
import { awsError } from '../../support/scan-fixtures.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const params = { bucket: 'media', findingsFrom: 'scan', enabled: true };
const change = {
  action: 'quarantine-findings',
  target: 's3://media',
  detail:
    'legal hold ON and tags drp:quarantine=true, drp:incident=INC-TEST-1 on each version step "scan" finds (counted after the scan)',
};

/** An evidence dir holding a findings artefact, and the scan result that names it, as the executor passes it. */
function scanned(keys: [string, string][], options: { tamper?: boolean } = {}) {
  const dir = scratch();
  mkdirSync(join(dir, 'artefacts'));
  const text = keys
    .map(([key, versionId]) => `${JSON.stringify({ bucket: 'media', key, versionId, labels: [] })}\n`)
    .join('');
  writeFileSync(join(dir, 'artefacts', 'findings-scan.jsonl'), options.tamper ? `${text}{}\n` : text);
  const data = {
    bucket: 'media',
    withFindings: keys.length,
    findings: {
      path: 'artefacts/findings-scan.jsonl',
      sha256: createHash('sha256').update(text).digest('hex'),
    },
  };
  const { ctx, artefacts } = testContext({ results: new Map([['scan', data]]) });
  Object.assign(ctx.settings, { evidenceDir: dir });
  return { ctx, artefacts };
}

const lockOn = { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' as const } };

describe('s3-quarantine-objects', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).resolves(lockOn);
    s3.on(GetObjectLegalHoldCommand).rejects(awsError('NoSuchObjectLockConfiguration', 404));
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
    s3.on(PutObjectLegalHoldCommand).resolves({ $metadata: { requestId: 'hold' } });
    s3.on(PutObjectTaggingCommand).resolves({ $metadata: { requestId: 'tag' } });
  });

  describe('plan', () => {
    it('plans the quarantine of the findings once Object Lock is seen on, sending no mutating call', async () => {
      const { ctx } = testContext({ aws: testPorts(true) });
      expect(await step.plan(ctx, params)).toEqual({
        observed: { bucket: 'media', enabled: true },
        changes: [change],
      });
      expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
      expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
    });

    it('plans nothing, and reads nothing, when not enabled (drp scan without --quarantine)', async () => {
      const { ctx } = testContext({ aws: testPorts(true) });
      expect(await step.plan(ctx, { ...params, enabled: false })).toEqual({
        observed: { bucket: 'media', enabled: false },
        changes: [],
      });
      expect(s3.calls()).toHaveLength(0);
    });

    it('refuses a bucket without Object Lock (exit 2), pointing to drp contain', async () => {
      s3.on(GetObjectLockConfigurationCommand).rejects(awsError('ObjectLockConfigurationNotFoundError', 404));
      const { ctx } = testContext({ aws: testPorts(true) });
      await expect(step.plan(ctx, params)).rejects.toMatchObject({
        name: 'UserError',
        message:
          'bucket "media" does not have Object Lock enabled, and a legal hold needs it: run `drp contain --bucket media` first (it enables Object Lock), or scan without --quarantine',
      });
    });
  });

  describe('apply', () => {
    it('holds and tags exactly the finding version, never deleting anything', async () => {
      const { ctx, artefacts } = scanned([['a.jpg', 'v1']]);
      const applied = await step.apply(ctx, params, {
        observed: { bucket: 'media', enabled: true },
        changes: [change],
      });
      expect(s3).toHaveReceivedCommandWith(PutObjectLegalHoldCommand, {
        Bucket: 'media',
        Key: 'a.jpg',
        VersionId: 'v1',
        LegalHold: { Status: 'ON' },
      });
      expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
        Bucket: 'media',
        Key: 'a.jpg',
        VersionId: 'v1',
        Tagging: {
          TagSet: [
            { Key: 'drp:quarantine', Value: 'true' },
            { Key: 'drp:incident', Value: 'INC-TEST-1' },
          ],
        },
      });
      expect(s3).toHaveReceivedCommandTimes(DeleteObjectCommand, 0);
      expect(applied.changes).toEqual([
        { action: 'put-legal-hold', target: 's3://media', detail: '1 finding version(s)', count: 1 },
        {
          action: 'tag-object-versions',
          target: 's3://media',
          detail: 'drp:quarantine=true, drp:incident=INC-TEST-1 on 1 version(s)',
          count: 1,
        },
      ]);
      expect(applied.requestIds).toEqual(['hold', 'tag']);
      expect(artefacts.find((a) => a.name === 'quarantine-step.jsonl')?.content).toBe(
        '{"key":"a.jpg","versionId":"v1","legalHold":"placed","tags":"merged"}\n',
      );
    });

    it("keeps the version's other tags, and replaces a drp:incident tag of an earlier incident", async () => {
      s3.on(GetObjectTaggingCommand).resolves({
        TagSet: [
          { Key: 'team', Value: 'media' },
          { Key: 'drp:incident', Value: 'INC-OLD' },
        ],
      });
      const { ctx } = scanned([['a.jpg', 'v1']]);
      await step.apply(ctx, params, { observed: { bucket: 'media', enabled: true }, changes: [change] });
      expect(s3).toHaveReceivedCommandWith(PutObjectTaggingCommand, {
        Tagging: {
          TagSet: [
            { Key: 'team', Value: 'media' },
            { Key: 'drp:incident', Value: 'INC-TEST-1' },
            { Key: 'drp:quarantine', Value: 'true' },
          ],
        },
      });
    });

    it("at S3's 10-tag limit, holds the version but leaves its tags alone, and says so", async () => {
      s3.on(GetObjectTaggingCommand).resolves({
        TagSet: Array.from({ length: 9 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
      });
      const { ctx } = scanned([['a.jpg', 'v1']]);
      const applied = await step.apply(ctx, params, {
        observed: { bucket: 'media', enabled: true },
        changes: [change],
      });
      expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 1);
      expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
      expect(applied.notes?.[0]).toBe(
        "1 version(s) already carry S3's limit of tags: legal hold on, drp tags not added (see artefacts/quarantine-step.jsonl)",
      );
    });

    it('is idempotent: a version already held and tagged is left alone', async () => {
      s3.on(GetObjectLegalHoldCommand).resolves({ LegalHold: { Status: 'ON' } });
      s3.on(GetObjectTaggingCommand).resolves({
        TagSet: [
          { Key: 'drp:quarantine', Value: 'true' },
          { Key: 'drp:incident', Value: 'INC-TEST-1' },
        ],
      });
      const { ctx } = scanned([
        ['a.jpg', 'v1'],
        ['b.png', 'v2'],
      ]);
      const applied = await step.apply(ctx, params, {
        observed: { bucket: 'media', enabled: true },
        changes: [change],
      });
      expect(applied.changes).toEqual([]);
      expect(applied.notes?.[0]).toBe('2 version(s) were already held and tagged');
      expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
      expect(s3).toHaveReceivedCommandTimes(PutObjectTaggingCommand, 0);
    });

    it('refuses a findings file that changed since the scan journaled its hash', async () => {
      const { ctx } = scanned([['a.jpg', 'v1']], { tamper: true });
      await expect(
        step.apply(ctx, params, { observed: { bucket: 'media', enabled: true }, changes: [change] }),
      ).rejects.toThrow(/findings artefact artefacts\/findings-scan.jsonl changed since the scan wrote it/);
      expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    });

    it('does nothing when the scan found nothing', async () => {
      const { ctx } = testContext({
        results: new Map([
          ['scan', { bucket: 'media', withFindings: 0, findings: { path: 'x', sha256: 'y' } }],
        ]),
      });
      const applied = await step.apply(ctx, params, {
        observed: { bucket: 'media', enabled: true },
        changes: [change],
      });
      expect(applied).toEqual({ changes: [], requestIds: [], notes: ['no findings: nothing to quarantine'] });
    });

    it('fails clearly when findingsFrom names no earlier completed step', async () => {
      const { ctx } = testContext();
      await expect(
        step.apply(ctx, params, { observed: { bucket: 'media', enabled: true }, changes: [change] }),
      ).rejects.toThrow('step "scan" has not completed before this step');
    });

    it('fails part-way with what it had held so far', async () => {
      s3.on(PutObjectLegalHoldCommand)
        .resolvesOnce({ $metadata: { requestId: 'hold' } })
        .rejects(awsError('AccessDenied', 403));
      const { ctx } = scanned([
        ['a.jpg', 'v1'],
        ['b.png', 'v2'],
        ['c.png', 'v3'],
      ]);
      Object.assign(ctx.settings, { concurrency: 1 });
      const err = await step
        .apply(ctx, params, { observed: { bucket: 'media', enabled: true }, changes: [change] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StepFailure);
      expect((err as StepFailure).partial.changes[0]).toMatchObject({ action: 'put-legal-hold', count: 1 });
      expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 2);
    });
  });
});
