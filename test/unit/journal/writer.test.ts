import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { scratch } from '../../support/drp.js';
import { sampleJournal, testSigner } from '../../support/journal.js';

describe('JournalWriter', () => {
  it('writes mode-0600 files and chains each entry to the previous one', async () => {
    const { path, dir } = await sampleJournal();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'artefacts/snapshot.json')).mode & 0o777).toBe(0o600);
    const entries = verifyJournal(readFileSync(path)).entries;
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(entries[0]!.prev).toBe('0'.repeat(64));
    expect(new Set(entries.map((e) => e.prev)).size).toBe(5);
    expect(entries[4]).toMatchObject({ type: 'seal', entries: 5, head: entries[4]!.prev });
    expect(entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records an artefact with its size and SHA-256', async () => {
    const { path } = await sampleJournal();
    const artefact = verifyJournal(readFileSync(path)).entries.find((e) => e.type === 'artefact');
    expect(artefact).toMatchObject({
      name: 'snapshot.json',
      path: 'artefacts/snapshot.json',
      size: 16,
      sha256: createHash('sha256').update('{"policy":null}\n').digest('hex'),
    });
  });

  it('refuses a second writer on the same journal while the first holds it', () => {
    const dir = join(scratch(), 'ev');
    const first = JournalWriter.create(dir, testSigner());
    expect(() =>
      JournalWriter.continue(dir, testSigner(), {
        journalId: first.journalId,
        nextSeq: 0,
        prev: '0'.repeat(64),
        firstTime: '',
      }),
    ).toThrow(/being written by drp \(pid \d+/);
    first.close();
    expect(existsSync(`${first.path}.lock`)).toBe(false);
  });

  it('refuses a second run into a journal that is being written with the lock message, not a resume hint', async () => {
    const dir = join(scratch(), 'ev');
    const first = JournalWriter.create(dir, testSigner());
    await first.append('genesis', {});
    expect(() => JournalWriter.create(dir, testSigner())).toThrow(/being written by drp \(pid \d+/);
    first.close();
    expect(() => JournalWriter.create(dir, testSigner())).toThrow(/already holds a journal.*drp resume/);
    expect(existsSync(`${first.path}.lock`)).toBe(false);
  });

  it('refuses to start a journal where one exists: one journal per run, never overwritten', async () => {
    const { dir } = await sampleJournal();
    expect(() => JournalWriter.create(dir, testSigner())).toThrow(/already holds a journal/);
  });

  it('refuses anything after the seal', async () => {
    const journal = JournalWriter.create(join(scratch(), 'ev'), testSigner());
    await journal.append('genesis', {});
    await journal.seal();
    await expect(journal.append('intent', { stepId: 'x' })).rejects.toThrow(/sealed/);
  });

  it('keeps artefacts of the same name apart instead of overwriting', async () => {
    const journal = JournalWriter.create(join(scratch(), 'ev'), testSigner());
    await journal.append('genesis', {});
    const a = await journal.artefacts.write('s.json', 'a');
    const b = await journal.artefacts.write('s.json', 'b');
    expect([a.path, b.path]).toEqual(['artefacts/s.json', 'artefacts/s-2.json']);
    journal.close();
  });

  it('serialises concurrent appends into one valid chain', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => journal.artefacts.write(`a${i}.txt`, String(i))));
    await journal.seal();
    expect(verifyJournal(readFileSync(journal.path)).ok).toBe(true);
  });
});
