import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrustedSigner } from '../../../src/provenance/classify.js';
import { inspectImage } from '../../../src/provenance/inspect.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../../../src/provenance/ranged-reader.js';
import { fixture, memorySource, STUDIO } from '../../support/provenance-fixtures.js';

const trusted = [parseTrustedSigner(STUDIO)!];
const inspect = (bytes: Uint8Array, limits: ReadLimits = DEFAULT_LIMITS) => {
  const source = memorySource(bytes);
  return inspectImage(source, limits, trusted).then((r) => ({ ...r, ranges: source.ranges }));
};

describe('inspectImage: the class of each fixture', () => {
  it.each([
    ['ai-signed.jpg', 'declared-ai'],
    ['ai-signed.png', 'declared-ai'],
    ['studio-signed.jpg', 'trusted'],
    ['studio-signed.png', 'trusted'],
    ['photographer-signed.jpg', 'untrusted'],
    ['studio-signed-tampered.jpg', 'invalid'],
    ['xmp-ai-only.jpg', 'declared-ai'],
    ['xmp-ai-only.png', 'declared-ai'],
    ['xmp-capture-only.jpg', 'none'],
    ['nothing.jpg', 'none'],
    ['nothing.png', 'none'],
  ])('%s is %s', async (name, expected) => {
    expect(await inspect(fixture(name))).toMatchObject({ kind: 'classified', class: expected });
  });

  it('records the evidence: signer, generator, actions, source type, a matching hash binding', async () => {
    const r = await inspect(fixture('ai-signed.jpg'));
    expect(r).toMatchObject({
      evidence: {
        manifest: {
          valid: true,
          failures: [],
          signer: {
            subject: 'CN=Imagine Test Generator, O=Synthetic Images Ltd',
            issuer: 'CN=drp test CA, O=drp tests',
          },
          generator: 'Imagine Test Generator/2.1',
          actions: ['c2pa.created'],
          sourceTypes: ['http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'],
          binding: 'match',
        },
        xmpSourceTypes: [],
      },
    });
  });

  it('says why a tampered image is invalid: its hash binding no longer matches the bytes', async () => {
    const r = await inspect(fixture('studio-signed-tampered.jpg'));
    expect(r).toMatchObject({
      class: 'invalid',
      evidence: {
        manifest: { valid: false, binding: 'mismatch', failures: ['assertion.dataHash.mismatch'] },
      },
    });
  });

  it('trusts a signer pinned by its certificate fingerprint, and not one with a look-alike subject', async () => {
    const first = await inspect(fixture('studio-signed.jpg'));
    const sha256 = first.kind === 'classified' ? first.evidence.manifest!.signer!.sha256 : '';
    const pinned = await inspectImage(memorySource(fixture('studio-signed.jpg')), DEFAULT_LIMITS, [
      parseTrustedSigner(`sha256:${sha256.toUpperCase()}`)!,
    ]);
    expect(pinned).toMatchObject({ class: 'trusted' });
    const other = await inspectImage(memorySource(fixture('studio-signed.jpg')), DEFAULT_LIMITS, [
      parseTrustedSigner('CN=Acme Studio, O=Acme Retail Ltd')!,
    ]);
    expect(other).toMatchObject({ class: 'untrusted' });
  });
});

describe('inspectImage: bounded ranged reads', () => {
  it('reads an image without credentials in one range of its header, never the whole object', async () => {
    const bytes = new Uint8Array(200_000);
    bytes.set(fixture('nothing.jpg'));
    const r = await inspect(bytes);
    expect(r).toMatchObject({ kind: 'classified', class: 'none', reads: 1, bytesRead: 65536 });
    expect(r.ranges).toEqual([[0, 65536]]);
  });

  it('reads the rest of a signed image only once its manifest is found, adding only the bytes it lacks', async () => {
    const bytes = fixture('ai-signed.jpg');
    const r = await inspect(bytes, { firstRange: 1024, nextRange: 1024, maxBytes: DEFAULT_LIMITS.maxBytes });
    // The manifest starts in the first range and continues past it: one more range, the rest of the file.
    expect(r.ranges).toEqual([
      [0, 1024],
      [1024, bytes.length],
    ]);
    expect(r).toMatchObject({ class: 'declared-ai', bytesRead: bytes.length, reads: 2 });
  });

  it('finds a manifest that starts past the first range (a large EXIF segment before it)', async () => {
    const signed = fixture('studio-signed.jpg');
    // An APP1 (non-XMP) segment of 60,000 bytes right after SOI pushes the APP11 segments past 4 KiB.
    const app1 = new Uint8Array(4 + 60_000);
    app1.set([0xff, 0xe1, (60_002 >> 8) & 0xff, 60_002 & 0xff]);
    app1.set(new TextEncoder().encode('Exif\0\0'), 4);
    const bytes = new Uint8Array([...signed.subarray(0, 2), ...app1, ...signed.subarray(2)]);
    const r = await inspect(bytes, { firstRange: 4096, nextRange: 4096, maxBytes: DEFAULT_LIMITS.maxBytes });
    // The next segment header, past the first range, is one small read; the manifest found there,
    // the rest of the image is read whole (the hash binding covers the inserted segment too, so
    // the class is invalid, not trusted). The small read is the only byte counted twice.
    expect(r.ranges).toEqual([
      [0, 4096],
      [60_006, 64_102],
      [4096, bytes.length],
    ]);
    expect(r).toMatchObject({
      kind: 'classified',
      class: 'invalid',
      reads: 3,
      bytesRead: bytes.length + 4096,
    });
  });

  it('says a file truncated in its header is unreadable, with the reason, after reading only what it has', async () => {
    const bytes = fixture('xmp-ai-only.jpg').subarray(0, 300);
    const r = await inspect(bytes);
    expect(r).toMatchObject({ kind: 'unreadable', reads: 1, bytesRead: 300 });
    expect(r.kind === 'unreadable' && r.reason).toMatch(
      /^the XMP segment needs bytes up to 446 but the object has 300: truncated/,
    );
  });

  it('says a signed file truncated after its manifest starts is invalid: its credentials no longer hold', async () => {
    const r = await inspect(fixture('ai-signed.jpg').subarray(0, 600));
    expect(r).toMatchObject({
      kind: 'classified',
      class: 'invalid',
      evidence: { manifest: { valid: false } },
    });
  });

  it('says non-image bytes with an image extension are unreadable, naming what they start with', async () => {
    const r = await inspect(new TextEncoder().encode('<html><body>not a photo</body></html>'));
    expect(r).toMatchObject({
      kind: 'unreadable',
      reason: expect.stringMatching(/^not a JPEG, PNG or HEIF file \(it starts with bytes 3c 68 74 6d\)/),
    });
  });

  it('never reads past the cap for a huge manifest (many 64 KiB APP11 segments): not scanned, with the reason', async () => {
    // A real manifest header claiming 40 MB, followed by 300 APP11 continuation segments.
    const signed = fixture('ai-signed.jpg');
    const segment = new Uint8Array(65_537);
    segment.set([0xff, 0xeb, 0xff, 0xff, 0x4a, 0x50]);
    const parts = [signed, ...Array.from({ length: 300 }, () => segment)];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const limits = { ...DEFAULT_LIMITS, maxBytes: 1024 * 1024 };
    const r = await inspect(bytes, limits);
    expect(r).toMatchObject({
      kind: 'over-cap',
      reason: expect.stringMatching(/pass the cap of 1048576 bytes per object/),
    });
    expect(r.bytesRead).toBeLessThanOrEqual(limits.maxBytes);
  });
});

describe('inspectImage on hostile files', () => {
  const bases = [
    'ai-signed.jpg',
    'studio-signed.png',
    'xmp-ai-only.jpg',
    'xmp-ai-only.png',
    'nothing.png',
  ].map(fixture);

  it('never throws on mutated fixtures: a class, or unreadable/over-cap with a reason, and never more bytes than the cap', async () => {
    const limits = { firstRange: 4096, nextRange: 1024, maxBytes: 256 * 1024 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, edits, cut) => {
          const bytes = new Uint8Array(bases[which]!);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const input = cut === undefined ? bytes : bytes.subarray(0, 1 + (cut % bytes.length));
          const r = await inspectImage(memorySource(input), limits, []);
          expect(['classified', 'unreadable', 'over-cap']).toContain(r.kind);
          if (r.kind !== 'classified') expect(r.reason).toMatch(/\w/);
          expect(r.bytesRead).toBeLessThanOrEqual(limits.maxBytes);
        },
      ),
      { numRuns: 150 },
    );
  });
});
