import {
  GetObjectLegalHoldCommand,
  ListObjectVersionsCommand,
  S3ServiceException,
  type DeleteMarkerEntry,
  type ObjectVersion,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';

type S3Stub = AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>;

export const version = (key: string, versionId: string): ObjectVersion => ({
  Key: key,
  VersionId: versionId,
  IsLatest: false,
  Size: 10,
  ETag: `"etag-${versionId}"`,
  LastModified: new Date('2026-11-20T00:00:00Z'),
  ChecksumAlgorithm: ['CRC32'],
});

export const deleteMarker = (key: string, versionId: string): DeleteMarkerEntry => ({
  Key: key,
  VersionId: versionId,
  IsLatest: true,
  LastModified: new Date('2026-11-21T00:00:00Z'),
});

export interface Page {
  versions?: ObjectVersion[];
  deleteMarkers?: DeleteMarkerEntry[];
}

/**
 * ListObjectVersions answering page i+1 only to the markers page i handed out, as S3 does:
 * a step that ignores NextKeyMarker/NextVersionIdMarker gets page 1 again and fails its test.
 */
export function mockListing(s3: S3Stub, pages: Page[]) {
  s3.on(ListObjectVersionsCommand).callsFake((input: { KeyMarker?: string; VersionIdMarker?: string }) => {
    const i = input.KeyMarker ? Number(/^key-marker-(\d+)$/.exec(input.KeyMarker)?.[1]) : 0;
    if (input.KeyMarker && input.VersionIdMarker !== `version-marker-${i}`)
      throw new Error(`unexpected markers ${input.KeyMarker} ${input.VersionIdMarker}`);
    const last = i === pages.length - 1;
    return {
      Versions: pages[i]?.versions ?? [],
      DeleteMarkers: pages[i]?.deleteMarkers ?? [],
      IsTruncated: !last,
      ...(last
        ? {}
        : { NextKeyMarker: `key-marker-${i + 1}`, NextVersionIdMarker: `version-marker-${i + 1}` }),
    };
  });
}

/** GetObjectLegalHold: ON for the version ids given, S3's "no legal hold" error for the others. */
export function mockHolds(s3: S3Stub, held: string[]) {
  s3.on(GetObjectLegalHoldCommand).callsFake((input: { VersionId?: string }) => {
    if (held.includes(input.VersionId ?? '')) return { LegalHold: { Status: 'ON' } };
    throw new S3ServiceException({
      name: 'NoSuchObjectLockConfiguration',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      message: 'The specified object does not have a ObjectLock configuration',
    });
  });
}
