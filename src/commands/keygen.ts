import { defaultKeyDir, generateKey } from '../journal/keys.js';
import type { CommandResult } from './env.js';

/** `drp keygen [--out DIR]`: a new Ed25519 signing key pair for journals. */
export function keygen(out: string | undefined): CommandResult {
  const key = generateKey(out ?? defaultKeyDir());
  return {
    exitCode: 0,
    text: [
      `private key: ${key.privateKeyPath} (mode 0600: keep it secret)`,
      `public key:  ${key.publicKeyPath} (give it to whoever verifies journals)`,
      `fingerprint: ${key.fingerprint}`,
    ].join('\n'),
    json: key,
  };
}
