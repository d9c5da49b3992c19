import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtefactStore } from '../../../src/journal/artefacts.js';
import { scratch } from '../../support/drp.js';

describe('ArtefactStore.list', () => {
  it('lists the artefacts written so far, in order, each with its absolute local path', async () => {
    const store = new ArtefactStore(scratch(), async () => undefined);
    expect(store.list()).toEqual([]);
    await store.write('snapshot.json', '{}\n');
    const stream = store.stream('snapshot.json');
    expect(store.list().map((a) => a.name)).toEqual(['snapshot.json']);
    await stream.write('a,b\n');
    await stream.close({ uri: 's3://media/x' });
    const listed = store.list();
    expect(listed.map((a) => a.path)).toEqual(['artefacts/snapshot.json', 'artefacts/snapshot-2.json']);
    expect(listed.every((a) => isAbsolute(a.file))).toBe(true);
    expect(readFileSync(listed[1]!.file, 'utf8')).toBe('a,b\n');
    expect(listed[1]!.source).toEqual({ uri: 's3://media/x' });
  });

  it('returns copies: a caller cannot change what the store recorded', async () => {
    const store = new ArtefactStore(scratch(), async () => undefined);
    await store.write('a.json', '{}');
    store.list()[0]!.sha256 = 'forged';
    expect(store.list()[0]!.sha256).not.toBe('forged');
  });
});
