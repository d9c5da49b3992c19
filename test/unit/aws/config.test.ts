import { PutBucketPolicyCommand, GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  clientOptions,
  instrument,
  READ_ONLY_OPERATION,
  usesCustomS3Endpoint,
} from '../../../src/aws/config.js';

// No mock here: the guard must act on a real client, before the request is signed or sent.
const unreachable = () =>
  new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

describe('read-only clients', () => {
  it('refuse a mutating operation before anything is sent, naming it', async () => {
    const client = instrument(unreachable(), true);
    await expect(
      client.send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' })),
    ).rejects.toMatchObject({
      name: 'ReadOnlyViolation',
      message: 'S3.PutBucketPolicy refused: this client is read-only (plan or dry-run)',
    });
  });

  it('let reads through (here to a closed port: a network error, not a refusal)', async () => {
    const client = instrument(unreachable(), true);
    const err = await client.send(new GetBucketPolicyCommand({ Bucket: 'b' })).catch((e: Error) => e);
    expect(err).toMatchObject({ drpOperation: 'S3.GetBucketPolicy' });
    expect((err as Error).name).not.toBe('ReadOnlyViolation');
  });

  it("treat exactly Get, List, Describe, Head, Lookup and Simulate as reads, and Cognito's AdminGet and AdminList", () => {
    for (const op of [
      'GetBucketPolicy',
      'ListObjectVersions',
      'DescribeTrails',
      'HeadObject',
      'LookupEvents',
      'AdminGetUser',
      'AdminListGroupsForUser',
      'SimulatePrincipalPolicy',
    ])
      expect(READ_ONLY_OPERATION.test(op)).toBe(true);
    for (const op of [
      'PutObjectLegalHold',
      'DeleteObject',
      'CreatePolicy',
      'AttachPolicy',
      'UpdateAccessKey',
      'Getaway',
      'AdminDisableUser',
      'AdminUserGlobalSignOut',
      'AdminSetUserPassword',
      'Simulated',
    ])
      expect(READ_ONLY_OPERATION.test(op)).toBe(false);
  });
});

describe('client options', () => {
  it('use the SDK adaptive retry mode', () => {
    expect(clientOptions({}, {})).toMatchObject({ retryMode: 'adaptive', maxAttempts: 8 });
    expect(clientOptions({}, { AWS_MAX_ATTEMPTS: '3' })).toMatchObject({ maxAttempts: 3 });
  });

  it('set no endpoint without --endpoint-url, so AWS_ENDPOINT_URL keeps working', () => {
    expect(clientOptions({}, {})).not.toHaveProperty('endpoint');
    expect(clientOptions({ endpointUrl: 'http://localhost:5000' }, {})).toMatchObject({
      endpoint: 'http://localhost:5000',
    });
  });

  it('use path-style S3 with any custom endpoint, flag or variable', () => {
    expect(usesCustomS3Endpoint({}, {})).toBe(false);
    expect(usesCustomS3Endpoint({ endpointUrl: 'http://x' }, {})).toBe(true);
    expect(usesCustomS3Endpoint({}, { AWS_ENDPOINT_URL: 'http://x' })).toBe(true);
    expect(usesCustomS3Endpoint({}, { AWS_ENDPOINT_URL_S3: 'http://x' })).toBe(true);
  });
});
