import { fingerprintOf, verifySignature } from './signer.js';
import { GENESIS_PREV, pae, PAYLOAD_TYPE, sha256Hex, type Envelope } from './dsse.js';
import { ENTRY_TYPES, type Entry } from './entry.js';
import type { ChainHead } from './writer.js';

/** A journal that fails verification, to be resumed or restored: not the operator's typo, so exit 1, not 2. */
export class JournalInvalid extends Error {
  override readonly name = 'JournalInvalid';
}

export interface VerifyOptions {
  /** The public key (SPKI PEM) the journal must be signed with. Without it, genesis's own key. */
  pubkeyPem?: string;
}

export interface Failure {
  /** 1-based line of journal.jsonl. */
  line: number;
  reason: string;
}

export interface Verification {
  /** Intact and sealed: what `drp verify` exits 0 for. */
  ok: boolean;
  /** Every complete line verified and only the end is missing (no seal, or a torn last line): resumable. */
  interrupted: boolean;
  sealed: boolean;
  /**
   * Sealed at an interrupt (Ctrl-C): intact, but the run did not finish; `drp resume` continues the
   * chain after that seal with a `resume` entry. (A second Ctrl-C leaves it unsealed: `interrupted`.)
   */
  stoppedByInterrupt: boolean;
  /** The entries that verified, in order: up to the first failure. */
  entries: Entry[];
  failure?: Failure;
  /** The last line had no newline: a write cut short (kill -9 mid-append). */
  tornLine?: { line: number; text: string };
  warnings: string[];
  fingerprint?: string;
  /** Where the verified chain ends: what `drp resume` continues from. */
  head?: ChainHead;
}

interface Line {
  number: number;
  text: string;
}

function splitLines(bytes: Buffer): { lines: Line[]; torn?: Line } {
  const text = bytes.toString('utf8');
  const parts = text.split('\n');
  const tail = parts.pop() ?? '';
  const lines = parts.map((t, i) => ({ number: i + 1, text: t }));
  return tail === '' ? { lines } : { lines, torn: { number: parts.length + 1, text: tail } };
}

function parseEnvelope(text: string): Envelope | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const e = value as Envelope;
  if (typeof e !== 'object' || e === null) return 'not a DSSE envelope';
  if (e.payloadType !== PAYLOAD_TYPE) return `payloadType is not ${PAYLOAD_TYPE}`;
  if (typeof e.payload !== 'string') return 'payload is not a base64 string';
  const sig = Array.isArray(e.signatures) && e.signatures.length === 1 ? e.signatures[0] : undefined;
  if (!sig || typeof sig.keyid !== 'string' || typeof sig.sig !== 'string')
    return 'expected exactly one signature {keyid, sig}';
  // Node's decoder skips characters that are not base64: require the exact encoding drp writes,
  // so that no byte of the line can change unnoticed, not only none of what it decodes to.
  if (!isCanonicalBase64(e.payload)) return 'payload is not canonical base64 (line edited)';
  if (!isCanonicalBase64(sig.sig)) return 'signature is not canonical base64 (line edited)';
  return e;
}

/** Seq values of every parseable line, unverified: tells a deleted entry from a reordered one. */
function peekSeqs(lines: Line[]): (number | undefined)[] {
  return lines.map((l) => {
    const e = parseEnvelope(l.text);
    if (typeof e === 'string') return undefined;
    try {
      const seq = (JSON.parse(Buffer.from(e.payload, 'base64').toString('utf8')) as Entry).seq;
      return typeof seq === 'number' ? seq : undefined;
    } catch {
      return undefined;
    }
  });
}

/**
 * Checks a journal offline, line by line: envelope shape, signature, journal id, seq, the prev
 * chain, and the order of entry types. Stops at the first failure and names its line.
 */
export function verifyJournal(bytes: Buffer, options: VerifyOptions = {}): Verification {
  const { lines, torn } = splitLines(bytes);
  const warnings: string[] = [];
  const entries: Entry[] = [];
  const seqs = peekSeqs(lines);
  const openIntents = new Set<string>();
  const pinned = options.pubkeyPem ? keyFingerprint(options.pubkeyPem) : undefined;
  if (!pinned)
    warnings.push(
      "no --pubkey given: checked against the key in the journal's own genesis, which proves integrity, not who signed",
    );
  let keyPem = options.pubkeyPem;
  let journalId: string | undefined;
  let prev = GENESIS_PREV;
  let sealed = false;
  // The last seal's outcome: an `interrupted` seal is the only one a `resume` entry may follow.
  let sealOutcome: unknown;
  let firstTime = '';

  const result = (explicit?: Failure): Verification => {
    const tornLine = torn ? { line: torn.number, text: torn.text } : undefined;
    let failure = explicit;
    if (!failure && tornLine)
      failure = { line: tornLine.line, reason: 'torn last line: the write was cut short (no newline)' };
    if (!failure && !sealed) {
      const reason = `no seal: the journal ends at line ${lines.length} without one; its tail may have been cut`;
      failure = { line: lines.length, reason };
    }
    return {
      ok: !failure,
      interrupted: !explicit && !sealed && entries.length > 0,
      sealed,
      stoppedByInterrupt: sealed && sealOutcome === 'interrupted',
      entries,
      failure,
      tornLine,
      warnings,
      fingerprint: keyPem ? keyFingerprint(keyPem) : undefined,
      head: journalId ? { journalId, nextSeq: entries.length, prev, firstTime } : undefined,
    };
  };

  if (lines.length === 0 && !torn) return { ...result({ line: 1, reason: 'empty journal' }), ok: false };
  if (options.pubkeyPem && !pinned) {
    keyPem = undefined;
    return result({ line: 1, reason: 'the pinned public key is not a valid public key' });
  }

  for (const [index, line] of lines.entries()) {
    const fail = (reason: string) => result({ line: line.number, reason });
    if (sealed && sealOutcome !== 'interrupted') return fail('entry after the seal: nothing may follow it');
    const envelope = parseEnvelope(line.text);
    if (typeof envelope === 'string') return fail(envelope);
    const payload = Buffer.from(envelope.payload, 'base64');
    let entry: Entry;
    try {
      entry = JSON.parse(payload.toString('utf8')) as Entry;
    } catch {
      return fail('payload is not valid JSON (entry edited)');
    }
    if (index === 0) {
      if (entry.type !== 'genesis') return fail(`first entry is "${String(entry.type)}", not genesis`);
      const signer = entry.signer as { publicKeyPem?: string } | undefined;
      if (!keyPem) {
        if (typeof signer?.publicKeyPem !== 'string') return fail('genesis has no signer.publicKeyPem');
        // An edited key is not a key: a failure at its line, not an exception from the crypto library.
        if (!keyFingerprint(signer.publicKeyPem))
          return fail('genesis signer.publicKeyPem is not a valid public key (entry edited)');
        keyPem = signer.publicKeyPem;
      }
    }
    const sig = envelope.signatures[0]!;
    const expectedKeyid = keyFingerprint(keyPem!)!;
    if (sig.keyid !== expectedKeyid) {
      return fail(
        `signed by key ${sig.keyid}, not the ${pinned ? 'pinned' : 'genesis'} key ${expectedKeyid} (wrong key)`,
      );
    }
    const signed = pae(envelope.payloadType, payload);
    if (!signatureHolds(keyPem!, signed, Buffer.from(sig.sig, 'base64'))) {
      return fail('signature does not verify: the entry was edited after signing');
    }
    journalId ??= entry.journalId;
    if (entry.journalId !== journalId)
      return fail(`entry from another journal (journalId ${entry.journalId}, expected ${journalId})`);
    if (entry.seq !== index) {
      const later = seqs.indexOf(index, index + 1);
      const why = entry.seq > index && later === -1 ? `entry ${index} was deleted` : 'entries were reordered';
      return fail(`seq ${entry.seq} where ${index} was expected: ${why}`);
    }
    if (entry.prev !== prev)
      return fail('prev does not match the hash of the previous entry: the chain is broken');
    if (sealed && entry.type !== 'resume')
      return fail(
        `a "${String(entry.type)}" entry after an interrupted run's seal: only drp resume's may follow it`,
      );
    const problem = checkOrder(entry, index, openIntents);
    if (problem) return fail(problem);
    sealed = entry.type === 'seal';
    if (sealed) sealOutcome = entry.outcome;
    if (index === 0) firstTime = entry.time;
    prev = sha256Hex(signed);
    entries.push(entry);
  }
  return result();
}

/** Whether a PEM is a public key drp can verify with (--pubkey is checked with it before use). */
export const isUsablePublicKey = (pem: string) => keyFingerprint(pem) !== undefined;

const isCanonicalBase64 = (text: string) => Buffer.from(text, 'base64').toString('base64') === text;

function keyFingerprint(pem: string): string | undefined {
  try {
    return fingerprintOf(pem);
  } catch {
    return undefined;
  }
}

function signatureHolds(pem: string, signed: Buffer, sig: Buffer): boolean {
  try {
    return verifySignature(pem, signed, sig);
  } catch {
    return false;
  }
}

function checkOrder(entry: Entry, index: number, openIntents: Set<string>): string | undefined {
  if (!(ENTRY_TYPES as readonly string[]).includes(entry.type))
    return `unknown entry type "${String(entry.type)}"`;
  if (entry.type === 'genesis' && index !== 0) return 'a second genesis: entries from another journal';
  const stepId = typeof entry.stepId === 'string' ? entry.stepId : undefined;
  if (entry.type === 'intent') {
    if (!stepId) return 'intent without stepId';
    openIntents.add(stepId);
  }
  // An interrupt closes the intent of the step it cut short (resume opens a new one).
  if (entry.type === 'interrupted') {
    if (stepId && !openIntents.has(stepId))
      return `interrupted entry for step "${stepId}" without its intent`;
    if (stepId) openIntents.delete(stepId);
    return undefined;
  }
  const closes = entry.type === 'result' || entry.type === 'restore';
  if (closes && entry.outcome !== 'skipped' && entry.outcome !== 'failed') {
    if (!stepId || !openIntents.has(stepId))
      return `${entry.type} for step "${stepId}" without its intent before it`;
  }
  if (closes && stepId) openIntents.delete(stepId);
  return undefined;
}
