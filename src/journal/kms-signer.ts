import { createHash, createPublicKey } from 'node:crypto';
import { UserError } from '../errors.js';
import { fingerprintOf, type Signer } from './signer.js';

/**
 * What signing with KMS needs: src/aws/kms.ts's port is one. Declared here, so the journal depends
 * on no AWS code (the layers: journal and aws know nothing of each other).
 */
export interface KmsKeys {
  getPublicKey(
    keyId: string,
  ): Promise<{ keyId: string; publicKey: Buffer; keySpec: string; signingAlgorithms: string[] }>;
  signDigest(keyId: string, digest: Buffer): Promise<Buffer>;
}

/**
 * Signs with an AWS KMS asymmetric key (ECC_NIST_P256, ECDSA_SHA_256): the private key never
 * leaves KMS. The journal keeps the public key, so verification stays offline.
 */
export async function kmsSigner(kms: KmsKeys, keyId: string): Promise<Signer> {
  const key = await kms.getPublicKey(keyId);
  if (key.keySpec !== 'ECC_NIST_P256' || !key.signingAlgorithms.includes('ECDSA_SHA_256')) {
    throw new UserError(
      `--kms-key-id ${keyId}: key spec ${key.keySpec || 'unknown'}; drp needs an asymmetric SIGN_VERIFY key of spec ECC_NIST_P256 (ECDSA_SHA_256)`,
    );
  }
  const publicKey = createPublicKey({ key: key.publicKey, format: 'der', type: 'spki' });
  return {
    algorithm: 'ecdsa-p256-sha256',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: fingerprintOf(publicKey),
    keyRef: key.keyId,
    sign: (pae) => kms.signDigest(key.keyId, createHash('sha256').update(pae).digest()),
  };
}
