import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AwsSettings } from '../aws/config.js';
import { UserError } from '../errors.js';
import type { AnchorCheck } from '../journal/anchor-check.js';
import type { ArtefactRef } from '../journal/entry.js';
import { isUsablePublicKey, verifyJournal, type Failure, type Verification } from '../journal/verify.js';
import { drpCommand } from '../invocation.js';
import { journalPathOf, looksLikeJournal } from '../journal/locate.js';
import { readInput } from '../read-input.js';
import { liveRunsHint } from './live-runs.js';
import type { CommandResult } from './env.js';

export interface VerifyOptions {
  pubkey?: string;
  artefacts: boolean;
  /** --anchor s3://bucket/incidents/<id>/: compare with the copy anchored in the evidence bucket. */
  anchor?: string;
}

/** Reads the anchored journal and head.json from S3 and compares them with the local journal. */
async function compareWithAnchor(
  uri: string,
  bytes: Buffer,
  verification: Verification,
  opts: VerifyOptions & { pubkeyPem?: string },
  aws: AwsSettings,
): Promise<AnchorCheck> {
  const { checkAnchor, parseAnchor } = await import('../journal/anchor-check.js');
  const location = parseAnchor(uri, verification.head?.journalId ?? verification.entries[0]?.journalId);
  const genesisKey = (verification.entries[0]?.signer as { publicKeyPem?: string } | undefined)?.publicKeyPem;
  const { createS3Client, createS3Port } = await import('../aws/s3.js');
  const s3 = createS3Port(createS3Client(aws, true));
  return checkAnchor(s3, location, {
    bytes,
    verification,
    keyPem: opts.pubkeyPem ?? genesisKey,
    artefacts: opts.artefacts,
  });
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

/** What the journal's own outcome means for its reader: a rehearsal, or a run left unfinished. */
function aboutTheRun(journalPath: string, v: Verification): string[] {
  const genesis = v.entries[0];
  const incidentId = typeof genesis?.incidentId === 'string' ? genesis.incidentId : '?';
  if (genesis?.dryRun === true)
    return [
      `note: this is a dry-run's journal: it changed nothing in AWS. ${liveRunsHint(journalPath, incidentId)}.`,
    ];
  if (v.stoppedByInterrupt)
    return [
      `note: the run was interrupted (Ctrl-C) and sealed before its end; finish it with: ${drpCommand('resume', journalPath)}`,
    ];
  if (v.interrupted)
    return [
      `note: the run stopped without a seal; if it was cut short, finish it with: ${drpCommand('resume', journalPath)}`,
    ];
  return [];
}

/** `drp verify <journal>`: exit 0 intact and sealed, 1 anything else (naming the line), 2 usage. */
export async function verify(
  given: string,
  opts: VerifyOptions,
  aws: AwsSettings = {},
): Promise<CommandResult> {
  const journalPath = journalPathOf(given);
  const bytes = readInput(journalPath, '<journal>');
  if (!looksLikeJournal(bytes))
    throw new UserError(
      `<journal>: ${journalPath} is not a drp journal (no line of it is a signed journal entry); pass the journal.jsonl of a run, or its evidence directory`,
    );
  const pubkeyPem = opts.pubkey ? readInput(opts.pubkey, '--pubkey').toString('utf8') : undefined;
  if (pubkeyPem && (!pubkeyPem.includes('PUBLIC KEY') || !isUsablePublicKey(pubkeyPem)))
    throw new UserError(`--pubkey ${opts.pubkey}: not a PEM public key`);
  const verification = verifyJournal(bytes, { pubkeyPem });
  let failure = verification.failure;
  if (!failure && opts.artefacts) failure = await checkArtefacts(journalPath, verification);
  // The anchor is compared even when the local journal fails: it says what was cut or changed.
  const anchor = opts.anchor
    ? await compareWithAnchor(opts.anchor, bytes, verification, { ...opts, pubkeyPem }, aws)
    : undefined;
  const ok = !failure && (anchor?.ok ?? true);
  const count = verification.entries.length;
  const artefacts = verification.entries.filter((e) => e.type === 'artefact').length;
  const text = [
    ...verification.warnings.map((w) => `warning: ${w}`),
    ...aboutTheRun(journalPath, verification),
    failure
      ? `FAILED: ${journalPath}:${failure.line}: ${failure.reason}`
      : `OK: ${journalPath}: ${count} entries, sealed, signed by ${verification.fingerprint}` +
        (opts.artefacts ? `, ${artefacts} artefact(s) re-hashed` : ''),
    ...(anchor?.ok
      ? [`OK: anchored copy ${anchor.location} matches: same bytes, head ${anchor.head!.head}`]
      : []),
    ...(anchor && !anchor.ok ? anchor.problems.map((p) => `FAILED: anchor ${anchor.location}: ${p}`) : []),
  ].join('\n');
  return {
    exitCode: ok ? 0 : 1,
    text,
    json: {
      ok,
      journal: journalPath,
      dryRun: verification.entries[0]?.dryRun === true,
      stoppedByInterrupt: verification.stoppedByInterrupt,
      entries: count,
      sealed: verification.sealed,
      fingerprint: verification.fingerprint,
      failure,
      warnings: verification.warnings,
      ...(anchor ? { anchor: { location: anchor.location, ok: anchor.ok, problems: anchor.problems } } : {}),
    },
  };
}
