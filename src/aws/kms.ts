import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface KmsPublicKey {
  keyId: string;
  /** SPKI DER. */
  publicKey: Buffer;
  keySpec: string;
  signingAlgorithms: string[];
}

/** Only what journal signing needs: the key never leaves KMS. */
export interface KmsPort {
  getPublicKey(keyId: string): Promise<KmsPublicKey>;
  /** ECDSA_SHA_256 over a SHA-256 digest computed here (MessageType DIGEST); DER signature. */
  signDigest(keyId: string, digest: Buffer): Promise<Buffer>;
}

export function createKmsPort(settings: AwsSettings, readOnly = false): KmsPort {
  // Not read-only by default: Sign is neither Get nor List, and a dry-run's journal is signed too.
  // Preflight only reads the public key, on a read-only client.
  const client = instrument(new KMSClient(clientOptions(settings)), readOnly);
  return {
    async getPublicKey(keyId) {
      const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
      return {
        keyId: out.KeyId ?? keyId,
        publicKey: Buffer.from(out.PublicKey ?? new Uint8Array()),
        keySpec: out.KeySpec ?? '',
        signingAlgorithms: out.SigningAlgorithms ?? [],
      };
    },
    async signDigest(keyId, digest) {
      const out = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      return Buffer.from(out.Signature ?? new Uint8Array());
    },
  };
}
