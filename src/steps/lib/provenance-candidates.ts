import type { S3Port } from '../../aws/s3.js';
import type { ObjectVersion } from '../../aws/s3-objects.js';
import type { Listing } from './scan-candidates.js';

export const PROVENANCE_SKIP = {
  notImage: 'not an image',
  unsupported: 'WebP, GIF or TIFF: the C2PA library does not read them',
  empty: 'empty (0 bytes)',
  gone: 'version no longer exists',
} as const;

/** What the C2PA library reads: JPEG, PNG and HEIF (BMFF). */
const READ = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'heic', 'heif', 'avif']);
const NOT_READ = new Set(['webp', 'gif', 'tif', 'tiff']);

/** A listed version and, when it will not be read, why. */
export interface ProvenanceCandidate {
  version: ObjectVersion;
  skip?: string;
}

const extensionOf = (key: string): string | undefined => {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
};

/**
 * Decides from the listing alone: an image extension is read, another extension is not, and a
 * key without one is read too, because its first bytes say what it is (the read that classifies
 * it costs what a HeadObject would). No size limit here: the per-object read cap bounds the cost.
 */
export function provenanceCandidate(version: ObjectVersion): ProvenanceCandidate {
  if (version.size === 0) return { version, skip: PROVENANCE_SKIP.empty };
  const ext = extensionOf(version.key);
  if (ext === undefined || READ.has(ext)) return { version };
  return { version, skip: NOT_READ.has(ext) ? PROVENANCE_SKIP.unsupported : PROVENANCE_SKIP.notImage };
}

/** Whether the key names its format (a key without an extension that is not an image is skipped, not unreadable). */
export const hasExtension = (key: string): boolean => extensionOf(key) !== undefined;

/** The listing classified page by page, without any call per object. */
export async function* provenancePages(s3: S3Port, listing: Listing): AsyncGenerator<ProvenanceCandidate[]> {
  const { bucket, prefix, since } = listing;
  const pages = since ? s3.listVersionsSince(bucket, prefix, since) : s3.listCurrentObjects(bucket, prefix);
  for await (const page of pages) yield page.map(provenanceCandidate);
}
