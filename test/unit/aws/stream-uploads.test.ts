import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { isTransient, sendWithFreshStream } from '../../../src/aws/call.js';
import { createEvidencePort } from '../../../src/aws/s3-evidence.js';
import { createS3Port } from '../../../src/aws/s3.js';
import { scratch } from '../../support/drp.js';

// The SDK does not retry a request whose body is a stream: the failed attempt consumed it. A
// throttled upload of the journal or a manifest is retried by drp, each time from a fresh stream.
const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const awsError = (name: string, httpStatusCode: number) =>
  new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });

const noPause = async () => {};

/** PutObject answers each attempt in turn, reading its whole body first as S3 would. */
function putObjectAnswers(...answers: (Error | Record<string, unknown>)[]) {
  const bodies: string[] = [];
  s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable }) => {
    bodies.push(Buffer.concat(await input.Body.toArray()).toString());
    const answer = answers[bodies.length - 1]!;
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return bodies;
}

describe('uploads of files are retried with a fresh stream', () => {
  it('putEvidenceObject: a throttled then a 503 attempt, then stored; every attempt sends the whole file', async () => {
    const file = join(scratch(), 'journal.jsonl');
    writeFileSync(file, 'line 1\nline 2\n');
    const bodies = putObjectAnswers(awsError('ThrottlingException', 400), awsError('SlowDown', 503), {
      VersionId: 'v1',
      $metadata: { requestId: 'r3' },
    });
    const port = createEvidencePort(new S3Client({ region: 'us-east-1' }));
    const stored = await port.putEvidenceObject('evidence', 'incidents/i/journal.jsonl', {
      body: () => createReadStream(file),
      contentLength: 14,
    });
    expect(stored.versionId).toBe('v1');
    expect(bodies).toEqual(['line 1\nline 2\n', 'line 1\nline 2\n', 'line 1\nline 2\n']);
  });

  it('uploadFile (the Batch Operations manifest) is retried the same way', async () => {
    const file = join(scratch(), 'manifest.csv');
    writeFileSync(file, 'b,k,v\n');
    const bodies = putObjectAnswers(awsError('InternalError', 500), { ETag: '"e"' });
    const port = createS3Port(new S3Client({ region: 'us-east-1' }));
    await port.uploadFile('evidence', 'manifest.csv', file, 'text/csv');
    expect(bodies).toEqual(['b,k,v\n', 'b,k,v\n']);
  });

  it('a failure that is not transient is not retried', async () => {
    let opened = 0;
    const open = () => (opened++, Readable.from(['x']));
    const denied = awsError('AccessDenied', 403);
    await expect(sendWithFreshStream(() => Promise.reject(denied), open, 8, noPause)).rejects.toBe(denied);
    expect(opened).toBe(1);
  });

  it('gives up after the attempts, with the last error', async () => {
    let opened = 0;
    const open = () => (opened++, Readable.from(['x']));
    const throttled = awsError('SlowDown', 503);
    await expect(sendWithFreshStream(() => Promise.reject(throttled), open, 3, noPause)).rejects.toBe(
      throttled,
    );
    expect(opened).toBe(3);
  });

  it('isTransient: throttling, 5xx and dropped connections are; denials and missing things are not', () => {
    expect(isTransient(awsError('ThrottlingException', 400))).toBe(true);
    expect(isTransient(awsError('Whatever', 502))).toBe(true);
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(awsError('AccessDenied', 403))).toBe(false);
    expect(isTransient(awsError('NoSuchBucket', 404))).toBe(false);
    expect(isTransient('not an error')).toBe(false);
  });
});
