import { GetUserCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { HeadBucketCommand, PutObjectLegalHoldCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, startFaultProxy, type FaultKind, type FaultProxy } from '../../support/fault-proxy.js';

// The proxy's faults must be what AWS sends, or the smoke tests would test the proxy, not drp: a
// real SDK client, with a real retry strategy, must name each error as AWS's and retry it.
let proxy: FaultProxy;

beforeAll(async () => {
  // Nothing listens on port 9: with every request faulted, none is ever forwarded.
  proxy = await startFaultProxy('http://127.0.0.1:9');
});
afterAll(() => proxy.close());

const config = () => ({
  endpoint: proxy.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 2,
  retryMode: 'standard',
});

const calls = {
  s3: () =>
    new S3Client({ ...config(), forcePathStyle: true }).send(
      new PutObjectLegalHoldCommand({
        Bucket: 'leaked',
        Key: 'clips/a b.mp4',
        VersionId: 'v1',
        LegalHold: { Status: 'ON' },
      }),
    ),
  s3Head: () =>
    new S3Client({ ...config(), forcePathStyle: true }).send(new HeadBucketCommand({ Bucket: 'leaked' })),
  iam: () =>
    new IAMClient(config()).send(
      new UpdateAccessKeyCommand({ UserName: 'u', AccessKeyId: 'AKIA1', Status: 'Inactive' }),
    ),
  sts: () => new STSClient(config()).send(new GetCallerIdentityCommand({})),
  organizations: () =>
    new OrganizationsClient(config()).send(
      new CreatePolicyCommand({ Name: 'p', Description: 'd', Content: '{}', Type: 'SERVICE_CONTROL_POLICY' }),
    ),
};

async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (err) {
    return err as Error & { code?: string; $metadata?: { attempts?: number; httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

describe('fault proxy: errors as AWS sends them, retried by the real SDK', () => {
  const cases: [FaultKind, keyof typeof calls, string, number | undefined][] = [
    ['slowdown', 's3', 'SlowDown', 503],
    ['internal', 's3', 'InternalError', 500],
    ['throttling', 's3', 'ThrottlingException', 400],
    // HEAD has no body: the SDK names the error from nothing, as it does for S3's own 503.
    ['throttling', 's3Head', 'Unknown', 503],
    ['slowdown', 'iam', 'ServiceUnavailable', 503],
    ['internal', 'iam', 'InternalFailure', 500],
    ['throttling', 'iam', 'Throttling', 400],
    ['throttling', 'sts', 'Throttling', 400],
    ['slowdown', 'organizations', 'ServiceUnavailableException', 503],
    ['internal', 'organizations', 'ServiceException', 500],
    ['throttling', 'organizations', 'ThrottlingException', 400],
  ];

  it.each(cases)('%s on %s is %s (HTTP %s) and is retried', async (kind, call, name, status) => {
    proxy.configure({ rate: 1, kinds: [kind] });
    const err = await failure(calls[call]);
    expect(err.name).toBe(name);
    expect(err.$metadata?.httpStatusCode).toBe(status);
    expect(err.$metadata?.attempts).toBe(2);
    expect(proxy.stats.requests).toBe(2);
    expect(proxy.stats.faults[kind]).toBe(2);
  });

  it('a reset connection is a network error the SDK retries', async () => {
    proxy.configure({ rate: 1, kinds: ['reset'] });
    const err = await failure(calls.iam);
    expect(err.code ?? err.name).toMatch(/ECONNRESET|EPIPE/);
    expect(proxy.stats.requests).toBe(2);
  });

  it('names each request by its operation, from path-style S3, the query form and X-Amz-Target', async () => {
    proxy.configure({ rate: 1, kinds: ['internal'] });
    await Promise.all(Object.values(calls).map((call) => failure(call)));
    expect([...proxy.stats.operations.keys()].sort()).toEqual([
      'IAM.UpdateAccessKey',
      'Organizations.CreatePolicy',
      'S3.HeadBucket',
      'S3.PutObjectLegalHold',
      'STS.GetCallerIdentity',
    ]);
  });

  it('failOperation fails every request of that operation and no other', async () => {
    proxy.configure({ rate: 0, failOperation: 'IAM.UpdateAccessKey', failWith: 'throttling' });
    expect((await failure(calls.iam)).name).toBe('Throttling');
    // GetUser is forwarded, to the closed port 9 behind the proxy: a 502 from the proxy, not a fault.
    const forwarded = await failure(() =>
      new IAMClient({ ...config(), maxAttempts: 1 }).send(new GetUserCommand({})),
    );
    expect(forwarded.$metadata?.httpStatusCode).toBe(502);
    expect(proxy.stats.faults.throttling).toBe(2);
  });

  it('the same seed gives the same faults', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, seededRandom(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('fault proxy: spared operations', () => {
  it('never faults an operation in `spare`, at any rate: it reaches the emulator (here: nothing listens)', async () => {
    proxy.configure({ rate: 1, kinds: ['throttling'], spare: ['IAM.GetUser'] });
    const spared = await failure(() => new IAMClient(config()).send(new GetUserCommand({ UserName: 'u' })));
    // Forwarded to port 9, where nothing listens: the proxy's own 502, not a throttle.
    expect(spared.$metadata?.httpStatusCode).toBe(502);
    expect(proxy.stats.faults.throttling).toBe(0);
    const faulted = await failure(calls.iam);
    expect(faulted.name).toBe('Throttling');
  });
});
