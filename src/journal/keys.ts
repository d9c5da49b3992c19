import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { fileSigner, fingerprintOf, type Signer } from './signer.js';

export const PRIVATE_KEY_FILE = 'signing-key.pem';
export const PUBLIC_KEY_FILE = 'signing-key.pub.pem';

/** ~/.config/drp, or $XDG_CONFIG_HOME/drp when set. */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'drp');
}

export interface GeneratedKey {
  privateKeyPath: string;
  publicKeyPath: string;
  fingerprint: string;
}

/** Writes a new Ed25519 pair; refuses to overwrite a key (it may have signed journals). */
export function generateKey(dir: string): GeneratedKey {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKeyPath)) {
    throw new UserError(
      `--out: ${privateKeyPath} already exists; drp never overwrites a signing key. Choose another --out DIR.`,
    );
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return { privateKeyPath, publicKeyPath, fingerprint: fingerprintOf(publicKey) };
}

function readPrivateKey(path: string, origin: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${origin}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err}).`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UserError(
      `${origin}: ${path} is not a PEM private key (expected PKCS#8 Ed25519, as drp keygen writes).`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UserError(
      `${origin}: ${path} is a ${key.asymmetricKeyType} key; drp signs with Ed25519 (drp keygen).`,
    );
  }
  return key;
}

export interface LoadedSigner {
  signer: Signer;
  /** Set when no key existed and drp made the default one: the caller must tell the operator. */
  created?: GeneratedKey;
}

/** --key PATH, else $DRP_SIGNING_KEY, else the default key, created on first use. */
export function loadFileSigner(
  keyPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedSigner {
  if (keyPath) return { signer: fileSigner(readPrivateKey(keyPath, '--key'), keyPath) };
  if (env.DRP_SIGNING_KEY) {
    return {
      signer: fileSigner(readPrivateKey(env.DRP_SIGNING_KEY, 'DRP_SIGNING_KEY'), env.DRP_SIGNING_KEY),
    };
  }
  const dir = defaultKeyDir(env);
  const path = join(dir, PRIVATE_KEY_FILE);
  if (existsSync(path)) return { signer: fileSigner(readPrivateKey(path, 'default signing key'), path) };
  const created = generateKey(dir);
  return { signer: fileSigner(readPrivateKey(path, 'default signing key'), path), created };
}
