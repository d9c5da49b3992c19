import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { ArtefactRef } from '../journal/entry.js';
import { isUsablePublicKey, verifyJournal, type Failure, type Verification } from '../journal/verify.js';
import type { CommandResult } from './env.js';

export interface VerifyOptions {
  pubkey?: string;
  artefacts: boolean;
}

export function readInput(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Re-hashes every artefact the journal names; the first mismatch fails at its entry's line. */
export async function checkArtefacts(
  journalPath: string,
  verification: Verification,
): Promise<Failure | undefined> {
  const dir = dirname(journalPath);
  for (const entry of verification.entries) {
    if (entry.type !== 'artefact') continue;
    const ref = entry as unknown as ArtefactRef;
    const line = entry.seq + 1;
    const file = join(dir, ref.path);
    if (ref.path.split('/').includes('..') || !existsSync(file))
      return { line, reason: `artefact ${ref.path} is missing` };
    if (statSync(file).size !== ref.size)
      return { line, reason: `artefact ${ref.path}: size ${statSync(file).size}, journaled ${ref.size}` };
    if ((await sha256File(file)) !== ref.sha256)
      return { line, reason: `artefact ${ref.path}: SHA-256 does not match the journal (the file changed)` };
  }
  return undefined;
}

/** `drp verify <journal>`: exit 0 intact and sealed, 1 anything else (naming the line), 2 usage. */
export async function verify(journalPath: string, opts: VerifyOptions): Promise<CommandResult> {
  const bytes = readInput(journalPath, '<journal>');
  const pubkeyPem = opts.pubkey ? readInput(opts.pubkey, '--pubkey').toString('utf8') : undefined;
  if (pubkeyPem && (!pubkeyPem.includes('PUBLIC KEY') || !isUsablePublicKey(pubkeyPem)))
    throw new UserError(`--pubkey ${opts.pubkey}: not a PEM public key`);
  const verification = verifyJournal(bytes, { pubkeyPem });
  let failure = verification.failure;
  if (!failure && opts.artefacts) failure = await checkArtefacts(journalPath, verification);
  const ok = !failure;
  const count = verification.entries.length;
  const artefacts = verification.entries.filter((e) => e.type === 'artefact').length;
  const text = [
    ...verification.warnings.map((w) => `warning: ${w}`),
    ok
      ? `OK: ${journalPath}: ${count} entries, sealed, signed by ${verification.fingerprint}` +
        (opts.artefacts ? `, ${artefacts} artefact(s) re-hashed` : '')
      : `FAILED: ${journalPath}:${failure!.line}: ${failure!.reason}`,
  ].join('\n');
  return {
    exitCode: ok ? 0 : 1,
    text,
    json: {
      ok,
      journal: journalPath,
      entries: count,
      sealed: verification.sealed,
      fingerprint: verification.fingerprint,
      failure,
      warnings: verification.warnings,
    },
  };
}
