import {
  GetBucketAclCommand,
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/s3-snapshot-config.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const awsError = (name: string, httpStatusCode = 404) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });

const POLICY = '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow"}]}';
const OWNER = { ID: 'owner-id' };

/** A bucket where nothing optional is set: every "not set" answer S3 gives. */
function nothingSet() {
  s3.on(HeadBucketCommand).resolves({});
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy'));
  s3.on(GetBucketAclCommand).resolves({ Owner: OWNER, Grants: [] });
  s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
  s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError'));
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).rejects(awsError('ObjectLockConfigurationNotFoundError'));
  s3.on(GetBucketLoggingCommand).resolves({});
  s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet'));
  s3.on(GetBucketReplicationCommand).rejects(awsError('ReplicationConfigurationNotFoundError'));
  s3.on(GetBucketNotificationConfigurationCommand).resolves({});
}

describe('s3-snapshot-config', () => {
  beforeEach(() => {
    s3.reset();
    nothingSet();
  });

  it('records every "not set" answer as null, not as an error, using only read calls', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media' });
    expect(plan).toEqual({
      observed: {
        bucket: 'media',
        capturedAt: '2026-11-25T03:00:00.000Z',
        config: {
          policy: null,
          acl: { owner: OWNER, grants: [] },
          publicAccessBlock: null,
          ownershipControls: null,
          versioning: null,
          objectLock: null,
          logging: null,
          tags: null,
          replication: null,
          notification: null,
        },
        unreadable: {},
      },
      changes: [
        {
          action: 'record-artefact',
          target: 's3://media',
          detail: 's3-config-media.json: 10 items (1 set, 9 not set)',
        },
      ],
    });
  });

  it('captures each configuration that is set, with the policy text exactly as S3 returned it', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: POLICY });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } },
      },
    });
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'team', Value: 'media' }] });
    s3.on(GetBucketLoggingCommand).resolves({
      LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: 'media/' },
    });
    s3.on(GetBucketNotificationConfigurationCommand).resolves({ EventBridgeConfiguration: {} });
    const { ctx } = testContext({ aws: testPorts(true) });
    const { config } = (await step.plan(ctx, { bucket: 'media' })).observed;
    expect(config).toMatchObject({
      policy: POLICY,
      versioning: { status: 'Suspended' },
      objectLock: { enabled: true, mode: 'COMPLIANCE', years: 1 },
      tags: [{ Key: 'team', Value: 'media' }],
      logging: { TargetBucket: 'logs', TargetPrefix: 'media/' },
      notification: { EventBridgeConfiguration: {} },
    });
  });

  it('records an AccessDenied read as unreadable, with a note, and still snapshots the rest', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('AccessDenied', 403));
    s3.on(GetBucketReplicationCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { bucket: 'media' });
    expect(plan.observed.unreadable).toEqual({
      policy: { code: 'AccessDenied', message: 'AccessDenied' },
      replication: { code: 'AccessDenied', message: 'AccessDenied' },
    });
    expect(plan.observed.config.acl).toEqual({ owner: OWNER, grants: [] });
    expect(plan.changes[0]?.detail).toBe('s3-config-media.json: 10 items (1 set, 7 not set, 2 unreadable)');
    expect(plan.notes).toEqual([
      'could not read policy (AccessDenied): recorded as unreadable',
      'could not read replication (AccessDenied): recorded as unreadable',
    ]);
  });

  it('reports a missing bucket as a user error naming it', async () => {
    s3.on(HeadBucketCommand).rejects(awsError('NotFound'));
    const { ctx } = testContext({ aws: testPorts(true) });
    await expect(step.plan(ctx, { bucket: 'gone-bucket' })).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringContaining('"gone-bucket" does not exist'),
    });
  });

  it('applies by writing the planned before-state as one JSON artefact sourced from the bucket, without calling AWS', async () => {
    const { ctx: planCtx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(planCtx, { bucket: 'media' });
    s3.resetHistory();
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, { bucket: 'media' }, plan);
    expect(s3.calls()).toHaveLength(0);
    expect(artefacts).toHaveLength(1);
    expect(artefacts[0]).toMatchObject({ name: 's3-config-media.json', source: { uri: 's3://media' } });
    expect(JSON.parse(artefacts[0]!.content)).toEqual(plan.observed);
    expect(applied).toMatchObject({ changes: plan.changes, requestIds: [] });
  });
});
