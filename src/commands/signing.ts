import { loadFileSigner } from '../journal/keys.js';
import type { Signer } from '../journal/signer.js';
import type { CommandEnv } from './env.js';

export interface SigningOptions {
  /** --key PATH: an Ed25519 PKCS#8 PEM (drp keygen). */
  keyPath?: string;
  /** --kms-key-id: sign with an AWS KMS ECC_NIST_P256 key instead. */
  kmsKeyId?: string;
}

/** The journal's signer: KMS when asked, else --key, $DRP_SIGNING_KEY, or the default key (made on first use). */
export async function loadSigner(opts: SigningOptions, env: CommandEnv): Promise<Signer> {
  if (opts.kmsKeyId) {
    const [{ createKmsPort }, { kmsSigner }] = await Promise.all([
      import('../aws/kms.js'),
      import('../journal/kms-signer.js'),
    ]);
    return kmsSigner(createKmsPort(env.aws), opts.kmsKeyId);
  }
  const { signer, created } = loadFileSigner(opts.keyPath);
  if (created) {
    env.notice(
      `drp: no signing key found, so one was created: ${created.privateKeyPath} (fingerprint ${created.fingerprint}).\n` +
        `     Keep it safe, and give ${created.publicKeyPath} to whoever will verify the journal.`,
    );
  }
  return signer;
}
