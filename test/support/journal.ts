import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSigner } from '../../src/journal/signer.js';
import { JournalWriter } from '../../src/journal/writer.js';
import { scratch } from './drp.js';

export function testSigner() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return fileSigner(privateKey, 'memory');
}

/** A small sealed journal like a run writes: genesis, intent, artefact, result, seal. */
export async function sampleJournal(signer = testSigner(), dir = join(scratch(), 'evidence')) {
  const journal = JournalWriter.create(dir, signer);
  await journal.append('genesis', {
    incidentId: 'INC-1',
    signer: { publicKeyPem: signer.publicKeyPem, fingerprint: signer.fingerprint },
  });
  await journal.append('intent', {
    stepId: 'bpa',
    stepType: 's3-block-public-access',
    plan: { observed: {}, changes: [] },
  });
  await journal.artefacts.write('snapshot.json', '{"policy":null}\n');
  await journal.append('result', { stepId: 'bpa', stepType: 's3-block-public-access', outcome: 'applied' });
  await journal.seal({ outcome: 'completed' });
  return { path: journal.path, dir, signer };
}

export const journalLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
export const writeLines = (path: string, lines: string[]) =>
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
