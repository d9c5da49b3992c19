import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createKmsPort } from '../../../src/aws/kms.js';
import { generateKey, loadFileSigner } from '../../../src/journal/keys.js';
import { kmsSigner } from '../../../src/journal/kms-signer.js';
import { fingerprintOf, verifySignature } from '../../../src/journal/signer.js';
import { scratch } from '../../support/drp.js';

describe('signing keys', () => {
  it('keygen writes a 0600 PKCS#8 private key and its public key, and refuses to overwrite', () => {
    const dir = scratch();
    const key = generateKey(dir);
    expect(statSync(key.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(key.privateKeyPath, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(fingerprintOf(readFileSync(key.publicKeyPath, 'utf8'))).toBe(key.fingerprint);
    expect(() => generateKey(dir)).toThrow(/never overwrites a signing key/);
  });

  it('creates the default key on first use and says so, then reuses it', () => {
    const env = { XDG_CONFIG_HOME: scratch() };
    const first = loadFileSigner(undefined, env);
    expect(first.created?.privateKeyPath).toBe(join(env.XDG_CONFIG_HOME, 'drp', 'signing-key.pem'));
    const second = loadFileSigner(undefined, env);
    expect(second.created).toBeUndefined();
    expect(second.signer.fingerprint).toBe(first.signer.fingerprint);
  });

  it('prefers --key over DRP_SIGNING_KEY, and names the flag when the file is bad', () => {
    const a = generateKey(scratch());
    const b = generateKey(scratch());
    expect(loadFileSigner(a.privateKeyPath, { DRP_SIGNING_KEY: b.privateKeyPath }).signer.fingerprint).toBe(
      a.fingerprint,
    );
    expect(loadFileSigner(undefined, { DRP_SIGNING_KEY: b.privateKeyPath }).signer.fingerprint).toBe(
      b.fingerprint,
    );
    expect(() => loadFileSigner(a.publicKeyPath)).toThrow(/--key: .* is not a PEM private key/);
    expect(() => loadFileSigner('/nonexistent/key.pem')).toThrow(/--key: cannot read/);
  });

  it('signs through KMS with ECDSA_SHA_256 over the SHA-256 digest, verifiable offline', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kms = mockClient(KMSClient);
    kms.on(GetPublicKeyCommand).resolves({
      KeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      PublicKey: publicKey.export({ type: 'spki', format: 'der' }),
    });
    const pae = Buffer.from('DSSEv1 4 type 2 {}');
    // KMS signs the SHA-256 digest it is given; this fake checks it is the digest of the PAE and signs the same thing.
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => {
      expect(Buffer.from(input.Message)).toEqual(createHash('sha256').update(pae).digest());
      return { Signature: sign('sha256', pae, privateKey) };
    });
    const signer = await kmsSigner(createKmsPort({ region: 'us-east-1' }), 'alias/drp');
    const sig = await signer.sign(pae);
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(verifySignature(signer.publicKeyPem, pae, sig)).toBe(true);
    expect(signer.fingerprint).toBe(fingerprintOf(publicKey));
    kms.restore();
  });

  it('refuses a KMS key that is not ECC_NIST_P256', async () => {
    const kms = mockClient(KMSClient);
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'RSA_2048', SigningAlgorithms: ['RSASSA_PSS_SHA_256'] });
    await expect(kmsSigner(createKmsPort({ region: 'us-east-1' }), 'k')).rejects.toThrow(
      /--kms-key-id k: key spec RSA_2048/,
    );
    kms.restore();
  });
});
