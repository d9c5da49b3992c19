import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KmsPort } from '../aws/kms.js';
import { formatError } from '../errors.js';
import { defaultKeyDir, PRIVATE_KEY_FILE } from '../journal/keys.js';
import { ready, type Check } from './check.js';

/**
 * The journal's signing key, as a run would load it (--key, else $DRP_SIGNING_KEY, else the
 * default key): present, an Ed25519 private key, readable by its owner only. The key's bytes are
 * parsed here and never printed.
 */
export function checkKeyFile(keyPath: string | undefined, env: NodeJS.ProcessEnv = process.env): Check[] {
  const given = keyPath ?? env.DRP_SIGNING_KEY;
  const origin = keyPath ? '--key' : env.DRP_SIGNING_KEY ? 'DRP_SIGNING_KEY' : 'default key';
  const path = given ?? join(defaultKeyDir(env), PRIVATE_KEY_FILE);
  const name = `${origin} ${path}`;
  if (!existsSync(path))
    return [
      given
        ? {
            group: 'signing',
            name,
            verdict: 'blocked',
            detail: 'does not exist: the run refuses to start',
            fix: `drp keygen --out DIR, then ${origin}=DIR/${PRIVATE_KEY_FILE}`,
          }
        : {
            group: 'signing',
            name,
            verdict: 'gap',
            detail:
              'no key yet: the first run makes one, and its public key must then reach whoever verifies the journal',
            fix: 'drp keygen (and hand signing-key.pub.pem to whoever will verify the journals)',
          },
    ];
  let type: string | undefined;
  try {
    type = createPrivateKey(readFileSync(path, 'utf8')).asymmetricKeyType;
  } catch (err) {
    return [
      {
        group: 'signing',
        name,
        verdict: 'blocked',
        detail: `cannot be read as a private key: ${formatError(err).split('\n')[0]}`,
        fix: `chmod 600 ${path} as its owner, or make a new one with drp keygen`,
      },
    ];
  }
  if (type !== 'ed25519')
    return [
      {
        group: 'signing',
        name,
        verdict: 'blocked',
        detail: `a ${type} key: drp signs with Ed25519`,
        fix: 'drp keygen',
      },
    ];
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077)
    return [
      {
        group: 'signing',
        name,
        verdict: 'gap',
        detail: `Ed25519, mode ${mode.toString(8).padStart(4, '0')}: others on this machine can read the key that signs the evidence`,
        fix: `chmod 600 ${path}`,
      },
    ];
  return [ready('signing', name, 'Ed25519, mode 0600')];
}

/** --kms-key-id: the key answers kms:GetPublicKey and is the ECC_NIST_P256 signing key drp signs with. */
export async function checkKmsKey(kms: KmsPort, keyId: string): Promise<Check[]> {
  const name = `--kms-key-id ${keyId}`;
  try {
    const key = await kms.getPublicKey(keyId);
    if (key.keySpec !== 'ECC_NIST_P256' || !key.signingAlgorithms.includes('ECDSA_SHA_256'))
      return [
        {
          group: 'signing',
          name,
          verdict: 'blocked',
          detail: `a ${key.keySpec} key (${key.signingAlgorithms.join(', ') || 'no signing algorithms'}): drp signs with ECDSA_SHA_256 on ECC_NIST_P256`,
          fix: 'aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY, and pass its ARN',
        },
      ];
    return [ready('signing', name, `${key.keySpec}, ECDSA_SHA_256: usable (kms:GetPublicKey answered)`)];
  } catch (err) {
    return [
      {
        group: 'signing',
        name,
        verdict: 'blocked',
        detail: `kms:GetPublicKey failed: ${formatError(err)}`,
        fix: `let the principal drp runs as call kms:GetPublicKey and kms:Sign on ${keyId} (key policy or IAM policy)`,
      },
    ];
  }
}
