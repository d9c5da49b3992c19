import { DetectModerationLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRekognitionPort } from '../../../src/aws/rekognition.js';
import { NotImplementedByEndpoint } from '../../../src/aws/unavailable.js';

describe('Rekognition port', () => {
  const rekognition = mockClient(RekognitionClient);
  const port = createRekognitionPort(new RekognitionClient({ region: 'us-east-1' }));
  beforeEach(() => rekognition.reset());

  it('sends no version for an object written while the bucket was unversioned ("null")', async () => {
    rekognition.on(DetectModerationLabelsCommand).resolves({ ModerationLabels: [] });
    await port.detectModerationLabels('media', 'a.jpg', 'null', 50);
    expect(rekognition).toHaveReceivedCommandWith(DetectModerationLabelsCommand, {
      Image: { S3Object: { Bucket: 'media', Name: 'a.jpg' } },
    });
  });

  it.each([
    ['UnknownOperationException', 400],
    ['NotFound', 404],
    ['NotImplemented', 501],
  ])('reads %s (HTTP %i) as an endpoint without Rekognition', async (name, status) => {
    rekognition
      .on(DetectModerationLabelsCommand)
      .rejects(Object.assign(new Error('no'), { name, $metadata: { httpStatusCode: status } }));
    await expect(port.detectModerationLabels('media', 'a.jpg', 'v1', 50)).rejects.toBeInstanceOf(
      NotImplementedByEndpoint,
    );
  });

  it('reads a refused connection as an unreachable endpoint', async () => {
    rekognition
      .on(DetectModerationLabelsCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }));
    await expect(port.detectModerationLabels('media', 'a.jpg', 'v1', 50)).rejects.toThrow(
      'the Rekognition endpoint is unreachable (ECONNREFUSED)',
    );
  });
});
