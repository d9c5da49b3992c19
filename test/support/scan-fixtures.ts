import type { ObjectVersion as SdkVersion } from '@aws-sdk/client-s3';

/** A ListObjectVersions entry: a current version unless told otherwise. */
export function version(
  key: string,
  options: { size?: number; versionId?: string; latest?: boolean; modified?: string } = {},
): SdkVersion {
  return {
    Key: key,
    VersionId: options.versionId ?? `v-${key}`,
    ETag: `"etag-${key}"`,
    Size: options.size ?? 1024,
    LastModified: new Date(options.modified ?? '2026-11-24T12:00:00Z'),
    IsLatest: options.latest ?? true,
  };
}

/** An SDK-shaped service error, as aws-sdk-client-mock rejects with. */
export const awsError = (name: string, status = 400, message = name) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });

export const MODEL_ARN =
  'arn:aws:rekognition:us-east-1:123456789012:project/synthetic-detector/version/synthetic-detector.2026-11-01T10.00.00/1761991200000';
export const PROJECT_ARN =
  'arn:aws:rekognition:us-east-1:123456789012:project/synthetic-detector/1761900000000';
