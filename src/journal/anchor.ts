import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { EvidenceObjectBody, EvidencePort } from '../aws/s3-evidence.js';
import type { StoredArtefact } from './artefacts.js';
import { pae, type Envelope } from './dsse.js';
import type { Signer } from './signer.js';
import { JOURNAL_FILE } from './writer.js';

/**
 * Anchoring a sealed journal: a copy of it, of every artefact, and a signed head.json in the
 * Object-Locked evidence bucket, each under a legal hold. Whoever later cuts the local journal
 * short, or swaps it for another, no longer matches the anchored head.
 */
export const HEAD_PAYLOAD_TYPE = 'application/vnd.drp.head+json';
export const HEAD_FILE = 'head.json';

export interface AnchoredFile {
  path: string;
  size: number;
  sha256: string;
}

/** The body of head.json's DSSE payload. */
export interface JournalHead {
  v: 1;
  type: 'head';
  journalId: string;
  incidentId: string;
  /** Entries in the sealed journal, the seal included. */
  entries: number;
  /** SHA-256 of the seal envelope's PAE: the end of the chain, what the next entry's prev would be. */
  head: string;
  journal: AnchoredFile;
  artefacts: AnchoredFile[];
  time: string;
}

/** Each run of an incident anchors under its own journal id: runs never overwrite each other. */
export const anchorPrefix = (incidentId: string, journalId: string) =>
  `incidents/${incidentId}/journals/${journalId}/`;

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** head.json: a DSSE envelope like a journal line, with its own payloadType. */
export async function signHead(head: JournalHead, signer: Signer): Promise<string> {
  const payload = Buffer.from(JSON.stringify(head), 'utf8');
  const sig = await signer.sign(pae(HEAD_PAYLOAD_TYPE, payload));
  const envelope: Envelope = {
    payloadType: HEAD_PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid: signer.fingerprint, sig: sig.toString('base64') }],
  };
  return `${JSON.stringify(envelope)}\n`;
}

export interface SealedJournal {
  path: string;
  journalId: string;
  entryCount: number;
  headHash: string;
  artefacts: StoredArtefact[];
}

export interface AnchorResult {
  bucket: string;
  prefix: string;
  /** Every object written, with its version: what a regulator asks for with the legal hold. */
  objects: { key: string; versionId?: string; sha256: string }[];
}

/** Uploads the journal, then every artefact, then head.json (last: a head only exists over a stored journal). */
export async function anchorJournal(
  s3: Pick<EvidencePort, 'putEvidenceObject'>,
  target: { bucket: string; incidentId: string },
  journal: SealedJournal,
  signer: Signer,
  now: () => Date = () => new Date(),
): Promise<AnchorResult> {
  const prefix = anchorPrefix(target.incidentId, journal.journalId);
  const result: AnchorResult = { bucket: target.bucket, prefix, objects: [] };
  const put = async (key: string, object: EvidenceObjectBody & { sha256: string }) => {
    const stored = await s3.putEvidenceObject(target.bucket, key, object);
    result.objects.push({
      key,
      ...(stored.versionId ? { versionId: stored.versionId } : {}),
      sha256: object.sha256,
    });
  };

  const journalFile: AnchoredFile = {
    path: JOURNAL_FILE,
    size: statSync(journal.path).size,
    sha256: await sha256OfFile(journal.path),
  };
  await put(`${prefix}${JOURNAL_FILE}`, {
    body: () => createReadStream(journal.path),
    contentLength: journalFile.size,
    sha256: journalFile.sha256,
    contentType: 'application/jsonl',
  });
  for (const a of journal.artefacts)
    await put(`${prefix}${a.path}`, {
      body: () => createReadStream(a.file),
      contentLength: a.size,
      sha256: a.sha256,
    });
  const head: JournalHead = {
    v: 1,
    type: 'head',
    journalId: journal.journalId,
    incidentId: target.incidentId,
    entries: journal.entryCount,
    head: journal.headHash,
    journal: journalFile,
    artefacts: journal.artefacts.map((a) => ({ path: a.path, size: a.size, sha256: a.sha256 })),
    time: now().toISOString(),
  };
  const signed = Buffer.from(await signHead(head, signer), 'utf8');
  await put(`${prefix}${HEAD_FILE}`, {
    body: signed,
    sha256: createHash('sha256').update(signed).digest('hex'),
    contentType: 'application/json',
  });
  return result;
}
