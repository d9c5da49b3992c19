import type { ObjectVersion } from '../../aws/s3-objects.js';
import type { ArtefactRef } from '../../journal/entry.js';
import type { ProvenanceClass, ProvenanceEvidence } from '../../provenance/classify.js';
import { sourceTypeCode } from '../../provenance/source-types.js';

/** One line of the findings artefact, and of the inventory of every image read. */
export interface ProvenanceLine {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  size: number;
  lastModified: string;
  class: ProvenanceClass | 'unreadable';
  /** Why the image is a finding, or could not be read, in words. */
  reason?: string;
  evidence?: ProvenanceEvidence;
  bytesRead: number;
}

/** What the provenance scan's apply returns as `data`: the quarantine reads bucket, withFindings and findings. */
export interface ProvenanceData {
  bucket: string;
  kind: 'provenance';
  scanned: number;
  withFindings: number;
  requireCredentials: boolean;
  byClass: Record<string, number>;
  generators: Record<string, number>;
  signers: Record<string, number>;
  sourceTypes: Record<string, number>;
  bytesRead: number;
  reads: number;
  notScanned: Record<string, number>;
  skipped: Record<string, number>;
  findings: ArtefactRef;
  inventory: ArtefactRef;
  notScannedList: ArtefactRef;
}

/** Distinct generators and signers kept at most: a hostile bucket cannot grow the summary without bound. */
const MAX_NAMES = 50;
const OTHER = '(others)';

const increment = (counts: Map<string, number>, key: string, bounded = false) => {
  if (bounded && !counts.has(key) && counts.size >= MAX_NAMES) key = OTHER;
  counts.set(key, (counts.get(key) ?? 0) + 1);
};
const sorted = (counts: Map<string, number>) =>
  Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));

export class ProvenanceTally {
  scanned = 0;
  withFindings = 0;
  bytesRead = 0;
  reads = 0;
  private readonly byClass = new Map<string, number>();
  private readonly generators = new Map<string, number>();
  private readonly signers = new Map<string, number>();
  private readonly sourceTypes = new Map<string, number>();
  private readonly notScanned = new Map<string, number>();
  private readonly skipped = new Map<string, number>();

  read(bytes: number, reads: number): void {
    this.bytesRead += bytes;
    this.reads += reads;
  }

  classified(line: ProvenanceLine, finding: boolean): void {
    this.scanned += 1;
    if (finding) this.withFindings += 1;
    increment(this.byClass, line.class);
    const m = line.evidence?.manifest;
    if (m?.generator) increment(this.generators, m.generator, true);
    if (m?.signer) increment(this.signers, m.signer.subject, true);
    const types = [...(m?.sourceTypes ?? []), ...(line.evidence?.xmpSourceTypes ?? [])];
    for (const t of new Set(types.map((t) => sourceTypeCode(t) ?? t))) increment(this.sourceTypes, t, true);
  }

  notScannedBecause(reason: string): void {
    increment(this.notScanned, reason);
  }

  skip(reason: string): void {
    increment(this.skipped, reason);
  }

  get unscanned(): number {
    return [...this.notScanned.values()].reduce((a, b) => a + b, 0);
  }

  data(
    bucket: string,
    requireCredentials: boolean,
    refs: { findings: ArtefactRef; inventory: ArtefactRef; notScannedList: ArtefactRef },
  ): ProvenanceData {
    return {
      bucket,
      kind: 'provenance',
      scanned: this.scanned,
      withFindings: this.withFindings,
      requireCredentials,
      byClass: sorted(this.byClass),
      generators: sorted(this.generators),
      signers: sorted(this.signers),
      sourceTypes: sorted(this.sourceTypes),
      bytesRead: this.bytesRead,
      reads: this.reads,
      notScanned: sorted(this.notScanned),
      skipped: sorted(this.skipped),
      ...refs,
    };
  }
}

export const lineOf = (bucket: string, v: ObjectVersion) => ({ bucket, ...v });

const list = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export const mib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The summary lines on stdout. */
export function provenanceNotes(d: ProvenanceData): string[] {
  const unscanned = Object.values(d.notScanned).reduce((a, b) => a + b, 0);
  return [
    `read the provenance of ${d.scanned} image(s) (${mib(d.bytesRead)} in ${d.reads} ranged read(s)): ${d.withFindings} finding(s)${d.requireCredentials ? ' (credentials required)' : ''}`,
    ...(d.scanned ? [`by class: ${list(d.byClass)}`] : []),
    ...(Object.keys(d.sourceTypes).length ? [`digital source types declared: ${list(d.sourceTypes)}`] : []),
    ...(Object.keys(d.generators).length ? [`claim generators: ${list(d.generators)}`] : []),
    ...(Object.keys(d.signers).length ? [`signers: ${list(d.signers)}`] : []),
    ...(unscanned
      ? [`NOT SCANNED: ${unscanned} image(s) (${list(d.notScanned)}); see ${d.notScannedList.path}`]
      : []),
    `evidence: ${d.findings.path} (${d.withFindings} finding(s), sha256 ${d.findings.sha256.slice(0, 12)}...), ${d.inventory.path} (every image with its class and evidence), ${d.notScannedList.path} (not read, with reasons)`,
  ];
}
