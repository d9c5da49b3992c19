import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { HEAD_FILE, HEAD_PAYLOAD_TYPE, type JournalHead } from './anchor.js';
import { pae, type Envelope } from './dsse.js';
import { fingerprintOf, verifySignature } from './signer.js';
import type { Verification } from './verify.js';
import { JOURNAL_FILE } from './writer.js';

/**
 * Where the anchored copy is read from: src/aws/s3-evidence.ts's port is one. Declared here, so the
 * journal depends on no AWS code.
 */
export interface AnchoredObjects {
  /** The object's bytes; undefined when there is none. */
  getEvidenceObject(bucket: string, key: string): Promise<Buffer | undefined>;
  /** The object's stored SHA-256 (base64), or undefined when there is no object. */
  headEvidenceObject(bucket: string, key: string): Promise<{ checksumSHA256?: string } | undefined>;
}

export interface AnchorLocation {
  bucket: string;
  /** The run's folder: incidents/<id>/journals/<journal-id>/ */
  prefix: string;
}

const RUN_FOLDER = /(^|\/)journals\/[^/]+\/$/;

/**
 * `s3://bucket/incidents/<id>/` (the run's folder is found from the local journal's id) or the
 * run's folder itself, `s3://bucket/incidents/<id>/journals/<journal-id>/`.
 */
export function parseAnchor(uri: string, journalId: string | undefined): AnchorLocation {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/.exec(uri);
  if (!m) throw new UserError(`--anchor ${uri}: expected s3://BUCKET/incidents/INCIDENT-ID/`);
  const prefix = m[2]!.length === 0 || m[2]!.endsWith('/') ? m[2]! : `${m[2]}/`;
  if (RUN_FOLDER.test(prefix)) return { bucket: m[1]!, prefix };
  if (!journalId)
    throw new UserError(
      `--anchor ${uri}: the local journal has no readable journal id; pass the run's folder, s3://${m[1]}/${prefix}journals/JOURNAL-ID/`,
    );
  return { bucket: m[1]!, prefix: `${prefix}journals/${journalId}/` };
}

export interface AnchorCheck {
  location: string;
  ok: boolean;
  problems: string[];
  head?: JournalHead;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function readHead(bytes: Buffer, keyPem: string | undefined): { head?: JournalHead; problem?: string } {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(bytes.toString('utf8')) as Envelope;
  } catch {
    return { problem: `${HEAD_FILE} is not valid JSON` };
  }
  if (envelope.payloadType !== HEAD_PAYLOAD_TYPE)
    return { problem: `${HEAD_FILE}: payloadType is not ${HEAD_PAYLOAD_TYPE}` };
  const sig = envelope.signatures?.[0];
  if (!sig || typeof envelope.payload !== 'string')
    return { problem: `${HEAD_FILE} is not a signed DSSE envelope` };
  if (!keyPem) return { problem: `${HEAD_FILE}: no key to check its signature with (pass --pubkey)` };
  if (sig.keyid !== fingerprintOf(keyPem))
    return { problem: `${HEAD_FILE} is signed by key ${sig.keyid}, not the journal's key` };
  const payload = Buffer.from(envelope.payload, 'base64');
  if (!verifySignature(keyPem, pae(HEAD_PAYLOAD_TYPE, payload), Buffer.from(sig.sig, 'base64')))
    return { problem: `${HEAD_FILE}: the signature does not verify (edited after signing)` };
  return { head: JSON.parse(payload.toString('utf8')) as JournalHead };
}

/** How the local journal differs from the anchored one, in words: cut short, extended, or edited at a line. */
export function describeDifference(local: Buffer, anchored: Buffer): string | undefined {
  if (local.equals(anchored)) return undefined;
  const a = local.toString('utf8').split('\n');
  const b = anchored.toString('utf8').split('\n');
  const lines = (x: string[]) => x.filter(Boolean).length;
  const first = a.findIndex((line, i) => line !== b[i]);
  if (first >= 0 && first < a.length - 1 && first < b.length - 1)
    return `the local journal differs from the anchored copy at line ${first + 1}`;
  if (lines(a) < lines(b))
    return `the local journal has ${lines(a)} entries, the anchored copy ${lines(b)}: the local journal was cut short after line ${lines(a)}`;
  return `the local journal has ${lines(a)} entries, the anchored copy ${lines(b)}: lines were added after the seal`;
}

/**
 * Compares the local journal with its anchored copy and signed head: same bytes, same entry
 * count, same head hash as the local chain; with `artefacts`, each anchored artefact's stored
 * SHA-256 too. Every problem is named; none stops the others from being checked.
 */
export async function checkAnchor(
  s3: AnchoredObjects,
  location: AnchorLocation,
  local: { bytes: Buffer; verification: Verification; keyPem?: string; artefacts: boolean },
): Promise<AnchorCheck> {
  const where = `s3://${location.bucket}/${location.prefix}`;
  const problems: string[] = [];
  const done = (head?: JournalHead): AnchorCheck => ({
    location: where,
    ok: problems.length === 0,
    problems,
    ...(head ? { head } : {}),
  });
  const headBytes = await s3.getEvidenceObject(location.bucket, `${location.prefix}${HEAD_FILE}`);
  if (!headBytes)
    return (problems.push(`no ${HEAD_FILE} at ${where}: this journal was not anchored there`), done());
  const { head, problem } = readHead(headBytes, local.keyPem);
  if (!head) return (problems.push(problem!), done());

  const localId = local.verification.head?.journalId ?? local.verification.entries[0]?.journalId;
  if (localId !== undefined && head.journalId !== localId)
    problems.push(`the anchored head is of journal ${head.journalId}, the local journal is ${localId}`);
  const anchored = await s3.getEvidenceObject(location.bucket, `${location.prefix}${JOURNAL_FILE}`);
  if (!anchored) problems.push(`no ${JOURNAL_FILE} at ${where}`);
  else if (sha256(anchored) !== head.journal.sha256)
    problems.push(`the anchored ${JOURNAL_FILE} does not match the SHA-256 its signed head records`);
  const difference = anchored && describeDifference(local.bytes, anchored);
  if (difference) problems.push(difference);
  // A byte difference already says what matters (cut short, or edited at a line); else compare the chain.
  const localEntries = local.verification.entries.length;
  if (!difference && localEntries !== head.entries)
    problems.push(
      `the anchored head records ${head.entries} entries, the local journal verifies ${localEntries}`,
    );
  else if (!difference && local.verification.head?.prev !== head.head)
    problems.push(
      `the local chain ends at ${local.verification.head?.prev ?? '(nothing)'}, the anchored head at ${head.head}`,
    );

  if (local.artefacts) {
    for (const a of head.artefacts) {
      const stored = await s3.headEvidenceObject(location.bucket, `${location.prefix}${a.path}`);
      const storedHex = stored?.checksumSHA256
        ? Buffer.from(stored.checksumSHA256, 'base64').toString('hex')
        : undefined;
      if (!stored) problems.push(`anchored artefact ${a.path} is missing`);
      else if (storedHex !== a.sha256)
        problems.push(`anchored artefact ${a.path}: its stored SHA-256 differs from the journal's`);
    }
  }
  return done(head);
}
