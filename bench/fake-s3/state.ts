import { isDeleteMarker, versionIdOf, keyOf, type LogLayout, type VersionLayout } from './synthetic.js';

export interface BucketNames {
  /** The bucket whose listing is the synthetic versions. */
  versions: string;
  /** The bucket holding the synthetic CloudTrail log files. */
  trail: string;
}

/** Up to this many (key, versionId) pairs that were not held exactly once are listed in the stats. */
const EXAMPLES = 10;

/**
 * What the benchmark checks after each contender: requests per operation, and per synthetic
 * version (per log file) how many times it was held (copied). Counts live in byte arrays indexed
 * like the synthetic listing (saturating at 255), so a million versions cost a megabyte.
 */
export class FakeS3State {
  ops: Record<string, number> = {};
  unhandled: Record<string, number> = {};
  holds: Uint8Array;
  holdStatus: Uint8Array;
  copies: Uint8Array;
  /** PutObjectLegalHold on a delete marker (S3 refuses it). */
  deleteMarkerHolds = 0;
  /** Legal holds and copies of objects that are not synthetic (evidence written by drp). */
  otherHolds = 0;
  /** Destination "bucket/key" -> log file index, for HeadObject on a copy. */
  copied = new Map<string, number>();
  /** Copies made with a legal hold ON (drp verifies the hold with HeadObject). */
  copiedHeld = new Set<string>();
  buckets = new Map<
    string,
    { versioning?: string; lock?: string; policy?: string; publicAccessBlock?: string }
  >();
  /** performance.now() when the first bucket policy carrying drp's deny was answered (bench/deny.ts). */
  denyAnsweredAt?: number;

  constructor(
    readonly versions: VersionLayout,
    readonly logs: LogLayout,
    readonly bucketNames: BucketNames,
  ) {
    this.holds = new Uint8Array(versions.versions);
    this.holdStatus = new Uint8Array(versions.versions);
    this.copies = new Uint8Array(logs.files);
  }

  count(op: string): void {
    this.ops[op] = (this.ops[op] ?? 0) + 1;
  }

  hold(index: number, on: boolean): void {
    this.holds[index] = Math.min(255, this.holds[index]! + 1);
    this.holdStatus[index] = on ? 1 : 2;
  }

  copy(index: number, destination: string, legalHold: boolean): void {
    this.copies[index] = Math.min(255, this.copies[index]! + 1);
    this.copied.set(destination, index);
    if (legalHold) this.copiedHeld.add(destination);
  }

  reset(): void {
    this.ops = {};
    this.unhandled = {};
    this.holds.fill(0);
    this.holdStatus.fill(0);
    this.copies.fill(0);
    this.deleteMarkerHolds = this.otherHolds = 0;
    this.copied.clear();
    this.copiedHeld.clear();
    this.buckets.clear();
    this.denyAnsweredAt = undefined;
  }

  stats() {
    let deleteMarkers = 0;
    const holds = histogram(this.holds, (i) => {
      const marker = isDeleteMarker(this.versions, i);
      if (marker) deleteMarkers++;
      return !marker;
    });
    const copies = histogram(this.copies, () => true);
    return {
      requests: Object.values(this.ops).reduce((a, b) => a + b, 0),
      ops: this.ops,
      unhandled: this.unhandled,
      legalHolds: {
        versions: this.versions.versions - deleteMarkers,
        deleteMarkers,
        heldOnce: holds.once,
        notHeld: holds.none,
        heldMoreThanOnce: holds.more,
        deleteMarkerHolds: this.deleteMarkerHolds,
        otherTargets: this.otherHolds,
        notOnce: holds.examples.map(([i, n]) => ({
          key: keyOf(this.versions, i),
          versionId: versionIdOf(i),
          count: n,
        })),
      },
      copies: {
        files: this.logs.files,
        copiedOnce: copies.once,
        notCopied: copies.none,
        copiedMoreThanOnce: copies.more,
      },
    };
  }
}

function histogram(counts: Uint8Array, counted: (i: number) => boolean) {
  const h = { none: 0, once: 0, more: 0, examples: [] as [number, number][] };
  for (let i = 0; i < counts.length; i++) {
    if (!counted(i)) continue;
    const n = counts[i]!;
    if (n === 1) h.once++;
    else if (n === 0) h.none++;
    else h.more++;
    if (n !== 1 && h.examples.length < EXAMPLES) h.examples.push([i, n]);
  }
  return h;
}

export type FakeS3Stats = ReturnType<FakeS3State['stats']>;
