import type { Entry } from '../journal/entry.js';
import { describeValue, num, obj, str, type Fields } from './fields.js';
import type { TimelineStep } from './timeline.js';

/** What re-hashing an artefact file beside the journal found. `outside`: its path leaves the evidence dir. */
export type ArtefactCheck = 'verified' | 'missing' | 'changed' | 'outside';

export interface ArtefactRow {
  seq: number;
  name: string;
  path: string;
  size?: number;
  sha256?: string;
  time: string;
  /** The step that was running when it was journaled. */
  stepId?: string;
  source?: string;
  /** Where a copy is kept: the entry's own `location`, or an upload a later step journaled. */
  location?: string;
  check: ArtefactCheck | 'not-checked';
}

/**
 * Uploads that steps journal in their result data as `uploads: [{ path, sha256, location,
 * versionId }]` (issue 5's preservation steps): artefact path to where its copy is. Only an
 * upload of the same bytes (SHA-256) counts, when the upload names them.
 */
function uploadsOf(steps: TimelineStep[]): Map<string, { sha256?: string; location: string }> {
  const uploads = new Map<string, { sha256?: string; location: string }>();
  for (const s of steps) {
    const list = obj(s.data)?.uploads;
    for (const u of Array.isArray(list) ? list : []) {
      const f = obj(u);
      const path = str(f?.path);
      const where = str(f?.location);
      if (!f || !path || !where) continue;
      const { path: _p, sha256, size: _s, name: _n, location: _l, ...rest } = f as Fields;
      uploads.set(path, { sha256: str(sha256), location: describeValue({ uri: where, ...rest })! });
    }
  }
  return uploads;
}

export function artefactRows(
  entries: Entry[],
  steps: TimelineStep[],
  stepOf: Map<number, string>,
  checks: Map<number, ArtefactCheck>,
): ArtefactRow[] {
  const uploads = uploadsOf(steps);
  return entries
    .filter((e) => e.type === 'artefact')
    .map((e) => {
      const path = str(e.path) ?? '?';
      const sha256 = str(e.sha256);
      const upload = uploads.get(path);
      const uploaded = upload && (!upload.sha256 || upload.sha256 === sha256) ? upload.location : undefined;
      return {
        seq: e.seq,
        name: str(e.name) ?? '?',
        path,
        size: num(e.size),
        sha256,
        time: e.time,
        stepId: stepOf.get(e.seq),
        source: describeValue(e.source),
        location: describeValue(e.location) ?? uploaded,
        check: checks.get(e.seq) ?? 'not-checked',
      };
    });
}
