import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Entry } from '../journal/entry.js';
import type { ArtefactCheck } from './model.js';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Re-hashes each artefact file the journal names, beside it in `evidenceDir`. A path that would
 * leave the evidence dir (`..`, absolute) is never opened: the journal is input, not a file list.
 */
export async function checkArtefactFiles(
  entries: Entry[],
  evidenceDir: string,
): Promise<Map<number, ArtefactCheck>> {
  const checks = new Map<number, ArtefactCheck>();
  for (const e of entries) {
    if (e.type !== 'artefact') continue;
    const path = typeof e.path === 'string' ? e.path : '';
    if (!path || isAbsolute(path) || path.split(/[\\/]/).includes('..')) {
      checks.set(e.seq, 'outside');
      continue;
    }
    const file = join(evidenceDir, path);
    if (!existsSync(file) || !statSync(file).isFile()) checks.set(e.seq, 'missing');
    else if (statSync(file).size !== e.size || (await sha256File(file)) !== e.sha256)
      checks.set(e.seq, 'changed');
    else checks.set(e.seq, 'verified');
  }
  return checks;
}
