import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verify } from '../../../src/commands/verify.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { scratch } from '../../support/drp.js';
import { sampleJournal } from '../../support/journal.js';

// Tamper-evident: any change to a sealed journal's bytes fails verification (and never crashes
// the verifier), whichever byte, line or order it touches.
let journal: Buffer;
beforeAll(async () => {
  journal = readFileSync((await sampleJournal()).path);
});

const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);
const joinLines = (ls: string[]) => Buffer.from(ls.map((l) => `${l}\n`).join(''));

describe('a sealed journal changed in any way fails verification', () => {
  it('one byte changed anywhere', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bytes = Buffer.from(journal);
        const i = at % bytes.length;
        bytes[i] = (bytes[i]! + delta) % 256;
        const v = verifyJournal(bytes);
        expect(
          v.ok,
          `byte ${i}: ${JSON.stringify(journal.subarray(Math.max(0, i - 20), i + 20).toString())}`,
        ).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a line removed, duplicated, swapped with another, or the end cut', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({ max: 3 }), (a, b, kind) => {
        const ls = lines(journal);
        const [i, j] = [a % ls.length, b % ls.length];
        const changed =
          kind === 0
            ? ls.filter((_, k) => k !== i)
            : kind === 1
              ? [...ls.slice(0, i + 1), ls[i]!, ...ls.slice(i + 1)]
              : kind === 2
                ? ls.map((l, k) => (k === i ? ls[j]! : k === j ? ls[i]! : l))
                : ls.slice(0, i);
        fc.pre(kind !== 2 || i !== j);
        expect(verifyJournal(joinLines(changed)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes are a failed verification, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(verifyJournal(Buffer.from(bytes)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('an edited genesis key is a failure at line 1, not an exception from the crypto library', () => {
    const [first, ...rest] = lines(journal);
    const envelope = JSON.parse(first!) as { payload: string };
    const genesis = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      signer: { publicKeyPem: string };
    };
    genesis.signer.publicKeyPem = genesis.signer.publicKeyPem.replace(/[A-Za-z]/, '#');
    envelope.payload = Buffer.from(JSON.stringify(genesis)).toString('base64');
    expect(verifyJournal(joinLines([JSON.stringify(envelope), ...rest])).failure).toEqual({
      line: 1,
      reason: 'genesis signer.publicKeyPem is not a valid public key (entry edited)',
    });
  });

  it('a --pubkey that is not a usable key is a usage error, not a crash', async () => {
    const path = join(scratch(), 'journal.jsonl');
    writeFileSync(path, journal);
    const bad = join(scratch(), 'bad.pem');
    writeFileSync(bad, '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n');
    await expect(verify(path, { pubkey: bad, artefacts: false })).rejects.toThrow(
      /--pubkey .*bad\.pem: not a PEM public key/,
    );
  });
});
