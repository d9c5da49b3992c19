import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArtefacts } from '../../../src/commands/verify.js';
import { pae, PAYLOAD_TYPE } from '../../../src/journal/dsse.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { scratch } from '../../support/drp.js';
import { journalLines, sampleJournal, testSigner, writeLines } from '../../support/journal.js';

const verifyFile = (path: string, pubkeyPem?: string) => verifyJournal(readFileSync(path), { pubkeyPem });

function decode(line: string) {
  const env = JSON.parse(line) as { payload: string };
  return JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>;
}

function reencode(line: string, entry: Record<string, unknown>) {
  const env = JSON.parse(line) as { payload: string };
  env.payload = Buffer.from(JSON.stringify(entry)).toString('base64');
  return JSON.stringify(env);
}

describe('verifyJournal', () => {
  it('accepts an intact, sealed journal, pinned to its key', async () => {
    const { path, signer } = await sampleJournal();
    const result = verifyFile(path, signer.publicKeyPem);
    expect(result).toMatchObject({ ok: true, sealed: true, fingerprint: signer.fingerprint, warnings: [] });
    expect(result.entries.map((e) => e.type)).toEqual(['genesis', 'intent', 'artefact', 'result', 'seal']);
  });

  it('warns when no key is pinned', async () => {
    const { path } = await sampleJournal();
    expect(verifyFile(path).warnings[0]).toMatch(/no --pubkey/);
  });

  it('fails an edited entry at its line: the signature no longer verifies', async () => {
    const { path } = await sampleJournal();
    const lines = journalLines(path);
    lines[3] = reencode(lines[3]!, { ...decode(lines[3]!), outcome: 'nothing-to-do' });
    writeLines(path, lines);
    expect(verifyFile(path).failure).toEqual({
      line: 4,
      reason: expect.stringMatching(/signature does not verify.*edited/),
    });
  });

  it('fails a deleted entry at the line after the gap', async () => {
    const { path } = await sampleJournal();
    const lines = journalLines(path);
    lines.splice(2, 1);
    writeLines(path, lines);
    expect(verifyFile(path).failure).toEqual({
      line: 3,
      reason: expect.stringMatching(/seq 3 where 2 was expected: entry 2 was deleted/),
    });
  });

  it('fails reordered entries', async () => {
    const { path } = await sampleJournal();
    const lines = journalLines(path);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    writeLines(path, lines);
    expect(verifyFile(path).failure).toEqual({ line: 2, reason: expect.stringMatching(/reordered/) });
  });

  it('fails an entry from another journal signed with the same key', async () => {
    const signer = testSigner();
    const a = await sampleJournal(signer);
    const b = await sampleJournal(signer);
    const lines = journalLines(a.path);
    lines[2] = journalLines(b.path)[2]!;
    writeLines(a.path, lines);
    expect(verifyFile(a.path).failure).toEqual({
      line: 3,
      reason: expect.stringMatching(/entry from another journal/),
    });
  });

  it('fails a journal whose tail was cut: no seal', async () => {
    const { path } = await sampleJournal();
    writeLines(path, journalLines(path).slice(0, 4));
    expect(verifyFile(path)).toMatchObject({
      ok: false,
      sealed: false,
      failure: { line: 4, reason: expect.stringMatching(/no seal/) },
    });
  });

  it('fails a torn last line and reports it apart from the verified entries', async () => {
    const { path } = await sampleJournal();
    const lines = journalLines(path).slice(0, 4);
    writeFileSync(path, lines.map((l) => `${l}\n`).join('') + lines[3]!.slice(0, 40));
    const result = verifyFile(path);
    expect(result.failure).toEqual({ line: 5, reason: expect.stringMatching(/torn last line/) });
    expect(result.entries).toHaveLength(4);
    expect(result.head).toMatchObject({ nextSeq: 4 });
  });

  it('fails a journal signed by another key than the pinned one', async () => {
    const { path } = await sampleJournal();
    expect(verifyFile(path, testSigner().publicKeyPem).failure).toEqual({
      line: 1,
      reason: expect.stringMatching(/wrong key/),
    });
  });

  it('fails an entry appended after the seal', async () => {
    const { path } = await sampleJournal();
    appendFileSync(path, `${journalLines(path)[1]}\n`);
    expect(verifyFile(path).failure).toEqual({ line: 6, reason: expect.stringMatching(/after the seal/) });
  });

  it('accepts restore entries that close their intent, as a restore journal has them', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { command: 'restore', signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('intent', { stepId: 'deny-policy', plan: { observed: {}, changes: [] } });
    await journal.append('restore', { stepId: 'deny-policy', outcome: 'applied' });
    await journal.append('restore', { stepId: 'block-public-access', outcome: 'skipped', reason: 'drift' });
    await journal.seal();
    expect(verifyFile(journal.path)).toMatchObject({ ok: true });
  });

  it('fails an applied restore entry without its intent before it', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { command: 'restore', signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('restore', { stepId: 'deny-policy', outcome: 'applied' });
    await journal.seal();
    expect(verifyFile(journal.path).failure).toEqual({
      line: 2,
      reason: 'restore for step "deny-policy" without its intent before it',
    });
  });

  it('fails an applied result without its intent before it', async () => {
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
    await journal.append('result', { stepId: 'bpa', outcome: 'applied' });
    await journal.seal();
    expect(verifyFile(journal.path).failure).toEqual({
      line: 2,
      reason: 'result for step "bpa" without its intent before it',
    });
  });

  it('re-hashes artefacts and names a changed one', async () => {
    const { path, dir } = await sampleJournal();
    const verification = verifyFile(path);
    expect(await checkArtefacts(path, verification)).toBeUndefined();
    appendFileSync(join(dir, 'artefacts/snapshot.json'), 'x');
    expect(await checkArtefacts(path, verification)).toEqual({
      line: 3,
      reason: expect.stringMatching(/artefacts\/snapshot\.json: size/),
    });
  });

  it('is verifiable without drp: openssl checks the Ed25519 signature over the PAE', async () => {
    const { path, signer } = await sampleJournal();
    const dir = scratch();
    const env = JSON.parse(journalLines(path)[1]!) as { payload: string; signatures: { sig: string }[] };
    writeFileSync(join(dir, 'pub.pem'), signer.publicKeyPem);
    writeFileSync(join(dir, 'pae.bin'), pae(PAYLOAD_TYPE, Buffer.from(env.payload, 'base64')));
    writeFileSync(join(dir, 'sig.bin'), Buffer.from(env.signatures[0]!.sig, 'base64'));
    const out = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'pub.pem',
        '-rawin',
        '-in',
        'pae.bin',
        '-sigfile',
        'sig.bin',
      ],
      { cwd: dir },
    );
    expect(out.toString()).toMatch(/Signature Verified Successfully/);
  });
});
