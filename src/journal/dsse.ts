import { createHash } from 'node:crypto';

/**
 * DSSE, the in-toto Dead Simple Signing Envelope: the signature covers
 * PAE(type, payload) = "DSSEv1" SP len(type) SP type SP len(payload) SP payload,
 * lengths in bytes. Verifiers recompute PAE from the base64-decoded payload bytes,
 * never from re-serialized JSON, so what was signed is exactly what was written.
 */
export const PAYLOAD_TYPE = 'application/vnd.drp.journal+json';

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The chain link: each entry's `prev` is the SHA-256 of the previous envelope's PAE. */
export const GENESIS_PREV = '0'.repeat(64);

export function envelopeLine(payload: Buffer, keyid: string, sig: Buffer): string {
  const envelope: Envelope = {
    payloadType: PAYLOAD_TYPE,
    payload: payload.toString('base64'),
    signatures: [{ keyid, sig: sig.toString('base64') }],
  };
  return JSON.stringify(envelope) + '\n';
}
