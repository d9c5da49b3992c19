/**
 * The fake endpoint's contents, computed from an index instead of stored: version i of a bucket of
 * N, and log file f of F, are pure functions of i and f, so a listing of 1,000,000 versions costs
 * no memory and every page is the same on every run. Keys sort in index order, which makes
 * pagination a binary search.
 */

export interface VersionLayout {
  /** Number of listed entries (object versions plus delete markers). */
  versions: number;
  /** Versions per key: index i is key floor(i / perKey), newest first within the key. */
  perKey: number;
  /** Every Nth key's newest entry is a delete marker (0: none). */
  deleteMarkerEvery: number;
}

export interface VersionEntry {
  index: number;
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: string;
}

const EPOCH = Date.UTC(2026, 0, 1);

export const keyOf = (layout: VersionLayout, index: number) =>
  `media/clip-${String(Math.floor(index / layout.perKey)).padStart(9, '0')}.mp4`;
export const versionIdOf = (index: number) => `v${String(index).padStart(10, '0')}`;

/** The entry index a version id names, or undefined when it is not one of ours. */
export function indexOfVersionId(layout: VersionLayout, versionId: string): number | undefined {
  const m = /^v(\d{10})$/.exec(versionId);
  const index = m ? Number(m[1]) : NaN;
  return Number.isInteger(index) && index < layout.versions ? index : undefined;
}

export function isDeleteMarker(layout: VersionLayout, index: number): boolean {
  const keyIndex = Math.floor(index / layout.perKey);
  return (
    layout.deleteMarkerEvery > 0 && index % layout.perKey === 0 && keyIndex % layout.deleteMarkerEvery === 0
  );
}

export function versionEntry(layout: VersionLayout, index: number): VersionEntry {
  const newest = index % layout.perKey === 0;
  return {
    index,
    key: keyOf(layout, index),
    versionId: versionIdOf(index),
    isLatest: newest,
    deleteMarker: isDeleteMarker(layout, index),
    size: 1_000_000 + (index % 997) * 1024,
    etag: `"${(index * 2654435761).toString(16).padStart(32, '0').slice(-32)}"`,
    lastModified: new Date(EPOCH + index * 1000).toISOString(),
  };
}

/** First index in [lo, hi) whose key is > (or >= when `inclusive`) `bound`. */
function searchKeys(keyAt: (i: number) => string, lo: number, hi: number, bound: string, inclusive: boolean) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const key = keyAt(mid);
    if (key < bound || (!inclusive && key === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index range [start, end) of keys starting with `prefix`, in a list sorted by key. */
export function prefixRange(keyAt: (i: number) => string, count: number, prefix: string): [number, number] {
  const start = searchKeys(keyAt, 0, count, prefix, true);
  // Every key with the prefix sorts before prefix + U+FFFF.
  return [start, searchKeys(keyAt, start, count, `${prefix}\uffff`, true)];
}

/** The first index after the key marker (and version marker) within [start, end). */
export function startAfter(keyAt: (i: number) => string, start: number, end: number, marker: string): number {
  return marker ? Math.max(start, searchKeys(keyAt, start, end, marker, false)) : start;
}

export interface LogLayout {
  files: number;
  account: string;
  region: string;
  /** The newest file's time; the files are spread evenly over the `days` before it. */
  newest: number;
  days: number;
}

export function logFileTime(layout: LogLayout, index: number): string {
  const spacing = (layout.days * 86_400_000) / Math.max(1, layout.files);
  return new Date(layout.newest - (layout.files - 1 - index) * spacing).toISOString();
}

/** CloudTrail's layout: AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<time>_<id>.json.gz */
export function logKeyOf(layout: LogLayout, index: number): string {
  const t = logFileTime(layout, index);
  const day = `${t.slice(0, 4)}/${t.slice(5, 7)}/${t.slice(8, 10)}`;
  const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}T${t.slice(11, 13)}${t.slice(14, 16)}Z`;
  // The unique suffix grows with the index, so keys sort in index order within a minute too.
  const id = index.toString(36).padStart(16, '0');
  return `AWSLogs/${layout.account}/CloudTrail/${layout.region}/${day}/${layout.account}_CloudTrail_${layout.region}_${stamp}_${id}.json.gz`;
}

export function indexOfLogKey(layout: LogLayout, key: string): number | undefined {
  const m = /_([0-9a-z]{16})\.json\.gz$/.exec(key);
  const index = m ? parseInt(m[1]!, 36) : NaN;
  return index < layout.files && logKeyOf(layout, index) === key ? index : undefined;
}

export interface KeyPage {
  indices: number[];
  commonPrefixes: string[];
  /** Where the next page starts (a ListObjectsV2 continuation token), when truncated. */
  next?: number;
}

/** One ListObjectsV2 page over keys sorted by index; a delimiter rolls keys up into common prefixes. */
export function listKeys(
  keyAt: (i: number) => string,
  count: number,
  q: { prefix: string; delimiter: string; startAfter: string; from?: number; maxKeys: number },
): KeyPage {
  const [lo, hi] = prefixRange(keyAt, count, q.prefix);
  let i = q.from !== undefined ? Math.max(lo, q.from) : startAfter(keyAt, lo, hi, q.startAfter);
  const page: KeyPage = { indices: [], commonPrefixes: [] };
  while (i < hi && page.indices.length + page.commonPrefixes.length < q.maxKeys) {
    const key = keyAt(i);
    const cut = q.delimiter ? key.indexOf(q.delimiter, q.prefix.length) : -1;
    if (cut < 0) {
      page.indices.push(i++);
      continue;
    }
    const common = key.slice(0, cut + q.delimiter.length);
    page.commonPrefixes.push(common);
    i = prefixRange(keyAt, count, common)[1];
  }
  if (i < hi) page.next = i;
  return page;
}

export interface VersionPage {
  entries: VersionEntry[];
  truncated: boolean;
}

/** One ListObjectVersions page: after (keyMarker, versionIdMarker), at most maxKeys entries. */
export function listVersions(
  layout: VersionLayout,
  q: { prefix: string; keyMarker: string; versionIdMarker: string; maxKeys: number },
): VersionPage {
  const keyAt = (i: number) => keyOf(layout, i);
  const [lo, hi] = prefixRange(keyAt, layout.versions, q.prefix);
  let start = startAfter(keyAt, lo, hi, q.keyMarker);
  if (q.versionIdMarker) {
    const marker = indexOfVersionId(layout, q.versionIdMarker);
    if (marker === undefined || keyOf(layout, marker) !== q.keyMarker)
      throw new Error(`version-id-marker ${q.versionIdMarker} is not a version of ${q.keyMarker}`);
    start = Math.max(lo, marker + 1);
  }
  const end = Math.min(hi, start + q.maxKeys);
  const entries: VersionEntry[] = [];
  for (let i = start; i < end; i++) entries.push(versionEntry(layout, i));
  return { entries, truncated: end < hi };
}
