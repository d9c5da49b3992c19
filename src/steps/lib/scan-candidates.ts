import pLimit from 'p-limit';
import type { S3Port } from '../../aws/s3.js';
import type { ObjectVersion } from '../../aws/s3-objects.js';

/**
 * Rekognition reads an image from S3 up to 15 MB, for DetectModerationLabels and for
 * DetectCustomLabels alike ("Guidelines and quotas" in the Rekognition and Custom Labels guides),
 * and only JPEG and PNG. Read as MiB: a version between 15,000,000 bytes and 15 MiB that
 * Rekognition refuses is recorded as rejected (ImageTooLarge), not lost.
 */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

export const SKIP = {
  notImage: 'not JPEG or PNG',
  tooLarge: 'larger than 15 MB (Rekognition limit)',
  empty: 'empty (0 bytes)',
  gone: 'version no longer exists',
} as const;

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'png']);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png']);

/** A listed version and, when it will not be scanned, why. */
export interface Candidate {
  version: ObjectVersion;
  skip?: string;
}

/** The extension of the key's last path segment, lowercased; undefined when it has none. */
function extensionOf(key: string): string | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

/**
 * Decides from the listing alone where it can: the extension names the format. A key without one
 * (uploads/7f3a...) needs its Content-Type: undefined means "ask S3".
 */
export function classifyByListing(v: ObjectVersion): string | null | undefined {
  if (v.size === 0) return SKIP.empty;
  const ext = extensionOf(v.key);
  if (ext !== undefined && !IMAGE_EXTENSIONS.has(ext)) return SKIP.notImage;
  if (v.size > MAX_IMAGE_BYTES) return SKIP.tooLarge;
  return ext === undefined ? undefined : null;
}

export function classifyByContentType(contentType: string | undefined): string | null {
  if (contentType === undefined) return SKIP.gone;
  return IMAGE_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase()) ? null : SKIP.notImage;
}

export interface Listing {
  bucket: string;
  prefix: string;
  /** Only versions written since then (every version, not only current ones). */
  since?: Date;
  concurrency: number;
}

/** The same listing for the plan and the apply: the window was resolved once, in the plan. */
export const listingOf = (
  where: { bucket: string; prefix: string; since: string | null },
  concurrency: number,
): Listing => ({
  bucket: where.bucket,
  prefix: where.prefix,
  ...(where.since ? { since: new Date(where.since) } : {}),
  concurrency,
});

/** The listing classified page by page; HeadObject only for keys without an extension. */
export async function* candidatePages(s3: S3Port, listing: Listing): AsyncGenerator<Candidate[]> {
  const { bucket, prefix, since } = listing;
  const limit = pLimit(listing.concurrency);
  const pages = since ? s3.listVersionsSince(bucket, prefix, since) : s3.listCurrentObjects(bucket, prefix);
  for await (const page of pages) {
    yield await Promise.all(
      page.map(async (version): Promise<Candidate> => {
        let verdict = classifyByListing(version);
        if (verdict === undefined)
          verdict = classifyByContentType(
            await limit(() => s3.getContentType(bucket, version.key, version.versionId)),
          );
        return verdict === null ? { version } : { version, skip: verdict };
      }),
    );
  }
}
