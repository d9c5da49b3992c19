import {
  createHash,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';

export type SignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';

/** Signs the PAE of each journal entry. The file key is Ed25519; a KMS key is ECDSA P-256. */
export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  readonly publicKeyPem: string;
  /** SHA-256 of the public key's SPKI DER, lowercase hex: the envelope's keyid. */
  readonly fingerprint: string;
  /** Where the private key lives, for the genesis entry: a file path or a KMS key ARN. */
  readonly keyRef: string;
  sign(pae: Buffer): Promise<Buffer>;
}

export function fingerprintOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function fileSigner(privateKey: KeyObject, keyRef: string): Signer {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'ed25519',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(publicKey),
    keyRef,
    sign: async (pae) => cryptoSign(null, pae, privateKey),
  };
}

/** Offline check of one signature; the algorithm follows from the key type. */
export function verifySignature(publicKeyPem: string, pae: Buffer, sig: Buffer): boolean {
  const key = createPublicKey(publicKeyPem);
  try {
    if (key.asymmetricKeyType === 'ed25519') return cryptoVerify(null, pae, key, sig);
    if (key.asymmetricKeyType === 'ec') return cryptoVerify('sha256', pae, key, sig);
  } catch {
    return false;
  }
  return false;
}
