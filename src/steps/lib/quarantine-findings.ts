import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod';
import type { ObjectTag } from '../../aws/s3-objects.js';

/** S3 keeps at most 10 tags on an object version. */
export const MAX_TAGS = 10;

/** The part of the scan's `data` the quarantine needs (it arrives untyped through ctx.results). */
const ScanResult = z.object({
  bucket: z.string(),
  withFindings: z.number(),
  findings: z.object({ path: z.string(), sha256: z.string() }),
});
export type ScanResult = z.output<typeof ScanResult>;

const FindingLine = z.object({ bucket: z.string(), key: z.string(), versionId: z.string() });
export type FindingRef = z.output<typeof FindingLine>;

export function scanResultOf(stepId: string, data: unknown): ScanResult | undefined {
  if (data === undefined) return undefined;
  const parsed = ScanResult.safeParse(data);
  if (!parsed.success)
    throw new Error(`step "${stepId}" is not a rekognition-scan: its result has no findings`);
  return parsed.data;
}

/**
 * The finding versions, read back from the artefact the scan wrote and journaled. Its SHA-256 must
 * still be the journaled one: drp never holds or tags objects from a findings file edited since.
 */
export async function readFindings(evidenceDir: string, scan: ScanResult): Promise<FindingRef[]> {
  return (await readFindingRecords(evidenceDir, scan)).map(({ line, record }) => {
    const parsed = FindingLine.safeParse(record);
    if (!parsed.success)
      throw new Error(`${scan.findings.path}:${line}: not a finding (needs bucket, key, versionId)`);
    return parsed.data;
  });
}

/** Each line of the findings artefact, parsed, once its SHA-256 is the journaled one. */
export async function readFindingRecords(
  evidenceDir: string,
  scan: ScanResult,
): Promise<{ line: number; record: unknown }[]> {
  const { path, sha256 } = scan.findings;
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
    throw new Error(`findings artefact path ${path} is outside the evidence directory`);
  const bytes = await readFile(join(evidenceDir, path));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new Error(
      `findings artefact ${path} changed since the scan wrote it (sha256 ${actual}, journaled ${sha256}): not acting on it`,
    );
  return bytes
    .toString('utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim())
    .map(({ text, line }) => ({ line, record: parseJson(text) }));
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export type TagMerge =
  { status: 'already' } | { status: 'too-many'; existing: number } | { status: 'merged'; tags: ObjectTag[] };

/**
 * The version's tags with ours set, every other tag kept (PutObjectTagging replaces the whole
 * set). When ours would take the set past S3's 10, nothing is changed: the caller says so.
 */
export function mergeTags(existing: ObjectTag[], ours: ObjectTag[]): TagMerge {
  const merged = new Map(existing.map((t) => [t.key, t.value]));
  const missing = ours.filter((t) => merged.get(t.key) !== t.value);
  if (missing.length === 0) return { status: 'already' };
  const added = missing.filter((t) => !merged.has(t.key)).length;
  if (merged.size + added > MAX_TAGS) return { status: 'too-many', existing: existing.length };
  for (const t of missing) merged.set(t.key, t.value);
  return { status: 'merged', tags: [...merged].map(([key, value]) => ({ key, value })) };
}
