import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pae, type Envelope } from './dsse.js';
import type { Signer } from './signer.js';

/**
 * The anchored copy of a sealed journal: the journal, every artefact, and a signed head.json in the
 * Object-Locked evidence bucket, each under a legal hold. Whoever later cuts the local journal
 * short, or swaps it for another, no longer matches the anchored head. What is stored where, and
 * what head.json says, is here; src/commands/anchor.ts uploads it, anchor-check.ts reads it back.
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
