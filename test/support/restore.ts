import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from '../../src/journal/entry.js';
import { artefactReader } from '../../src/restore/recorded.js';
import type { Change, Recorded, RecordedResult, RestoreOptions } from '../../src/steps/define.js';
import { scratch } from './drp.js';

export const DEFAULTS: RestoreOptions = {
  reactivateKeys: false,
  releaseHolds: false,
  keepExternalGrants: false,
};

/** A run's evidence dir holding one JSONL artefact, and the journal entry that names it. */
export function jsonlArtefact(name: string, lines: object[]) {
  const dir = scratch('drp-run-');
  mkdirSync(join(dir, 'artefacts'));
  const path = `artefacts/${name}`;
  const content = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
  writeFileSync(join(dir, path), content);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const entry = { type: 'artefact', name, path, size: content.length, sha256 } as unknown as Entry;
  return { dir, ref: { path, sha256 }, file: join(dir, path), artefact: artefactReader(dir, [entry]) };
}

/** What a run journaled about one step, for a restore to work from. */
export function recordedOf<P, O>(
  params: P,
  observed: O,
  result?: { outcome?: RecordedResult['outcome']; changes?: Change[]; data?: unknown },
  artefact: Recorded['artefact'] = async () => {
    throw new Error('no artefact in this test');
  },
  planChanges: Change[] = [],
): Recorded<P, O> {
  return {
    params,
    plan: { observed, changes: planChanges },
    ...(result ? { result: { outcome: 'applied', changes: [], ...result } } : {}),
    artefact,
  };
}
