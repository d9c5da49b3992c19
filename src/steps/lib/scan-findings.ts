import type { DetectedLabel } from '../../aws/rekognition.js';
import type { ObjectVersion } from '../../aws/s3-objects.js';
import type { ArtefactRef } from '../../journal/entry.js';

export interface FoundLabel extends DetectedLabel {
  /** Which API said so: content moderation, or the custom labels model. */
  source: 'moderation' | 'custom';
}

/** One line of the findings artefact (JSON Lines): an image version with labels at or above the threshold. */
export interface Finding {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  lastModified: string;
  labels: FoundLabel[];
  models: { moderation?: string; customLabels?: string };
  requestIds: string[];
}

/** What the scan's apply returns as `data`: journaled, shown in --output json, read by the quarantine step. */
export interface ScanData {
  bucket: string;
  scanned: number;
  calls: number;
  withFindings: number;
  byLabel: Record<string, number>;
  top: { key: string; versionId: string; label: string; confidence: number }[];
  rejected: Record<string, number>;
  skipped: Record<string, number>;
  findings: ArtefactRef;
  skippedList: ArtefactRef;
}

/**
 * The labels that make a finding: at or above `minConfidence`, and when `only` is given, named
 * there as the label or as its parent (so "Explicit Nudity" keeps its sub-labels), ignoring case.
 */
export function findingLabels(
  labels: FoundLabel[],
  minConfidence: number,
  only: readonly string[],
): FoundLabel[] {
  const wanted = new Set(only.map((l) => l.toLowerCase()));
  return labels.filter(
    (l) =>
      l.confidence >= minConfidence &&
      (wanted.size === 0 ||
        wanted.has(l.name.toLowerCase()) ||
        (l.parent !== undefined && wanted.has(l.parent.toLowerCase()))),
  );
}

const TOP = 10;

const increment = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const sorted = (counts: Map<string, number>) =>
  Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));

/** Running totals of a scan; memory is bounded by the number of distinct labels, not of objects. */
export class ScanTally {
  scanned = 0;
  calls = 0;
  withFindings = 0;
  private readonly byLabel = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly skipped = new Map<string, number>();
  private top: ScanData['top'] = [];

  skip(reason: string): void {
    increment(this.skipped, reason);
  }

  reject(reason: string): void {
    increment(this.rejected, reason);
  }

  found(version: ObjectVersion, labels: FoundLabel[]): void {
    this.withFindings += 1;
    for (const name of new Set(labels.map((l) => l.name))) increment(this.byLabel, name);
    const best = labels.reduce((a, b) => (b.confidence > a.confidence ? b : a));
    this.top.push({
      key: version.key,
      versionId: version.versionId,
      label: best.name,
      confidence: best.confidence,
    });
    this.top = this.top
      .sort((a, b) => b.confidence - a.confidence || a.key.localeCompare(b.key))
      .slice(0, TOP);
  }

  data(bucket: string, findings: ArtefactRef, skippedList: ArtefactRef): ScanData {
    return {
      bucket,
      scanned: this.scanned,
      calls: this.calls,
      withFindings: this.withFindings,
      byLabel: sorted(this.byLabel),
      top: this.top,
      rejected: sorted(this.rejected),
      skipped: sorted(this.skipped),
      findings,
      skippedList,
    };
  }
}

const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** The summary lines under "Findings:" on stdout (what was not scanned is in the plan's notes). */
export function scanNotes(d: ScanData, minConfidence: number): string[] {
  const rejected = Object.values(d.rejected).reduce((a, b) => a + b, 0);
  if (d.scanned === 0 && rejected === 0) return [];
  return [
    `scanned ${d.scanned} image(s) with ${d.calls} Rekognition call(s): ${d.withFindings} with labels at or above ${minConfidence}%`,
    ...(d.withFindings ? [`by label: ${list(d.byLabel)}`] : []),
    ...d.top
      .slice(0, 5)
      .map(
        (t, i) =>
          `top ${i + 1}: s3://${d.bucket}/${t.key} (version ${t.versionId}) ${t.label} ${t.confidence.toFixed(1)}%`,
      ),
    ...(rejected
      ? [`NOT SCANNED: ${rejected} image(s) Rekognition could not read or decode (${list(d.rejected)})`]
      : []),
    `evidence: ${d.findings.path} (${d.withFindings} finding(s), sha256 ${d.findings.sha256.slice(0, 12)}...), ${d.skippedList.path} (not scanned, with reasons)`,
  ];
}
