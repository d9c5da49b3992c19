import type { ManifestEvidence, Signer } from './manifest.js';
import { isAiSourceType } from './source-types.js';

/**
 * What an image's own credentials say about it:
 * - declared-ai: a valid manifest, or XMP, declares an AI or synthetic digital source type;
 * - trusted: a valid manifest signed by a --trusted-signer, declaring no AI source type;
 * - invalid: a manifest is present but fails validation (bad signature, tampered after signing);
 * - untrusted: a valid manifest signed by someone not in --trusted-signer;
 * - none: no Content Credentials and no AI source type in XMP.
 */
export const PROVENANCE_CLASSES = ['declared-ai', 'invalid', 'untrusted', 'none', 'trusted'] as const;
export type ProvenanceClass = (typeof PROVENANCE_CLASSES)[number];

export interface ProvenanceEvidence {
  manifest?: ManifestEvidence;
  /** Iptc4xmpExt:DigitalSourceType values found in the file's XMP. */
  xmpSourceTypes: string[];
}

/** A --trusted-signer value: a certificate's SHA-256 fingerprint, or its subject DN. */
export type TrustedSigner = { sha256: string } | { subject: string };

const FINGERPRINT = /^(?:sha256:)?((?:[0-9a-f]{2}:?){31}[0-9a-f]{2})$/i;

/**
 * Compares DNs as "CN=a, O=b", "cn=a,O=b" and "CN=a; O=b" alike: attribute names, spacing and case
 * do not matter, and ";" separates RDNs as "," does (RFC 1779), so a DN can pass through a
 * comma-separated list param.
 */
const normalizeDn = (dn: string) =>
  dn
    .split(/(?<!\\)[,;]/)
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      return eq < 0 ? rdn.trim() : `${rdn.slice(0, eq).trim().toUpperCase()}=${rdn.slice(eq + 1).trim()}`;
    })
    .join(',')
    .toLowerCase();

/** undefined when the value is neither a fingerprint nor a DN (caller reports it naming the flag). */
export function parseTrustedSigner(value: string): TrustedSigner | undefined {
  const v = value.trim();
  const fingerprint = FINGERPRINT.exec(v);
  if (fingerprint) return { sha256: fingerprint[1]!.replace(/:/g, '').toLowerCase() };
  if (/^[A-Za-z][\w.-]*\s*=\s*\S/.test(v)) return { subject: normalizeDn(v) };
  return undefined;
}

export function isTrusted(signer: Signer | undefined, trusted: readonly TrustedSigner[]): boolean {
  if (!signer) return false;
  const subject = normalizeDn(signer.subject);
  return trusted.some((t) => ('sha256' in t ? t.sha256 === signer.sha256 : t.subject === subject));
}

export function classify(e: ProvenanceEvidence, trusted: readonly TrustedSigner[]): ProvenanceClass {
  const xmpAi = e.xmpSourceTypes.some(isAiSourceType);
  if (!e.manifest) return xmpAi ? 'declared-ai' : 'none';
  if (!e.manifest.valid) return 'invalid';
  if (xmpAi || e.manifest.sourceTypes.some(isAiSourceType)) return 'declared-ai';
  return isTrusted(e.manifest.signer, trusted) ? 'trusted' : 'untrusted';
}

/** Findings: what declares AI or fails validation, and with --require-credentials what proves nothing. */
export function isFinding(c: ProvenanceClass, requireCredentials: boolean): boolean {
  if (c === 'declared-ai' || c === 'invalid') return true;
  return requireCredentials && (c === 'none' || c === 'untrusted');
}
