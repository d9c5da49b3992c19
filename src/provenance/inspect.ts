import { classify, type ProvenanceClass, type ProvenanceEvidence, type TrustedSigner } from './classify.js';
import { readHeader, type Header } from './header.js';
import { validateManifest } from './manifest.js';
import { OverReadCap, RangedReader, Unreadable, type ByteSource, type ReadLimits } from './ranged-reader.js';
import { xmpDigitalSourceTypes } from './xmp.js';

interface Reads {
  bytesRead: number;
  reads: number;
}

/** One image's provenance: a class with its evidence, or why it could not be classified. */
export type Inspection =
  | ({ kind: 'classified'; class: ProvenanceClass; evidence: ProvenanceEvidence } & Reads)
  /** The bytes are not a JPEG, PNG or HEIF image drp can read (a property of the file). */
  | ({ kind: 'unreadable'; reason: string } & Reads)
  /** Classifying it needs more bytes than the cap allows: not scanned. */
  | ({ kind: 'over-cap'; reason: string } & Reads);

const inMemory = (bytes: Uint8Array): ByteSource => ({
  size: bytes.length,
  read: async (start, end) => bytes.subarray(start, end),
});

/**
 * Reads as little of the object as classifying it needs: the header segments (one range for
 * almost every image), and the whole object only when it embeds Content Credentials, whose hash
 * binding covers every byte. S3 errors are not caught here: the step decides what they mean.
 */
export async function inspectImage(
  source: ByteSource,
  limits: ReadLimits,
  trusted: readonly TrustedSigner[],
): Promise<Inspection> {
  const reader = new RangedReader(source, limits);
  const reads = () => ({ bytesRead: reader.bytesRead, reads: reader.reads });
  try {
    const header = await readHeader(reader, { stopAtManifest: true });
    let xmp = header.xmp;
    const evidence: ProvenanceEvidence = { xmpSourceTypes: [] };
    if (header.manifest) {
      const whole = await reader.whole();
      xmp = (await fullHeader(whole))?.xmp ?? xmp;
      evidence.manifest = await validateManifest(whole, header.format);
    }
    evidence.xmpSourceTypes = [...new Set(xmp.flatMap(xmpDigitalSourceTypes))].slice(0, 20);
    return { kind: 'classified', class: classify(evidence, trusted), evidence, ...reads() };
  } catch (err) {
    if (err instanceof Unreadable) return { kind: 'unreadable', reason: err.message, ...reads() };
    if (err instanceof OverReadCap) return { kind: 'over-cap', reason: err.message, ...reads() };
    throw err;
  }
}

/** The header walked again over the whole bytes, for XMP placed after the manifest; undefined if malformed. */
async function fullHeader(whole: Uint8Array): Promise<Header | undefined> {
  const reader = new RangedReader(inMemory(whole), {
    firstRange: whole.length,
    nextRange: whole.length,
    maxBytes: whole.length,
  });
  return readHeader(reader, { stopAtManifest: false }).catch(() => undefined);
}
