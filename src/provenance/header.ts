import { inflateSync } from 'node:zlib';
import { RangedReader, Unreadable } from './ranged-reader.js';

export type ImageFormat = 'jpeg' | 'png' | 'bmff';

/** What the header of an image holds, as far as provenance goes. */
export interface Header {
  format: ImageFormat;
  /** XMP packets (JPEG APP1, PNG iTXt before the image data). */
  xmp: string[];
  /** Where the embedded C2PA manifest store starts, and its size as its container declares it. */
  manifest?: { offset: number; length: number };
}

/** A walk that goes on longer than this is hostile or broken, not an image. */
const MAX_SEGMENTS = 4096;
/** An XMP packet is a few KB; a bigger one is read up to this and no further. */
const MAX_XMP_BYTES = 1024 * 1024;

const ascii = (b: Uint8Array) => String.fromCharCode(...b);
const utf8 = new TextDecoder('utf-8', { fatal: false });
const u16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((v, i) => b[i] === v);

const JPEG_SOI = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const XMP_APP1 = 'http://ns.adobe.com/xap/1.0/\0';
/** The UUID of a C2PA manifest store's JUMBF description box ("c2pa" 0011-0010-8000-00AA00389B71). */
const C2PA_STORE_UUID = [
  0x63, 0x32, 0x70, 0x61, 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
/** The user type of the BMFF uuid box that holds C2PA (C2PA 2.1, 11.3.4). */
const C2PA_BMFF_UUID = [
  0xd8, 0xfe, 0xc3, 0xd6, 0x1b, 0x0e, 0x48, 0x3c, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7e, 0xc4, 0x81,
];

/** The format by its magic bytes, whatever the key's extension says. */
export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, JPEG_SOI)) return 'jpeg';
  if (startsWith(head, PNG_SIGNATURE)) return 'png';
  if (head.length >= 8 && ascii(head.subarray(4, 8)) === 'ftyp') return 'bmff';
  return undefined;
}

export interface WalkOptions {
  /** Stop at the manifest's first segment: its presence decides that the whole object is read anyway. */
  stopAtManifest: boolean;
}

/**
 * Walks the header of a JPEG, PNG or BMFF file through the reader, reading segment headers and
 * only the bodies that matter (XMP, the start of a JUMBF box). Anything not an image of those
 * formats, or cut short, is Unreadable with the reason.
 */
export async function readHeader(r: RangedReader, options: WalkOptions): Promise<Header> {
  const head = await r.bytes(0, Math.min(12, r.size), 'the file signature');
  const format = sniffFormat(head);
  if (!format)
    throw new Unreadable(
      `not a JPEG, PNG or HEIF file (it starts with bytes ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`,
    );
  if (format === 'jpeg') return walkJpeg(r, options);
  if (format === 'png') return walkPng(r, options);
  return walkBmff(r, options);
}

async function walkJpeg(r: RangedReader, options: WalkOptions): Promise<Header> {
  const header: Header = { format: 'jpeg', xmp: [] };
  let pos = 2;
  for (let segments = 0; segments < MAX_SEGMENTS; segments++) {
    const marker = await r.bytes(pos, 2, 'a JPEG marker');
    if (marker[0] !== 0xff) throw new Unreadable(`JPEG: no marker at byte ${pos}: malformed header`);
    const type = marker[1]!;
    if (type === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    // Start of scan or end of image: the header, where metadata lives, is over.
    if (type === 0xda || type === 0xd9) return header;
    if ((type >= 0xd0 && type <= 0xd7) || type === 0x01) {
      pos += 2;
      continue;
    }
    const length = u16(await r.bytes(pos + 2, 2, 'a JPEG segment length'), 0);
    if (length < 2)
      throw new Unreadable(`JPEG: a segment at byte ${pos} declares ${length} bytes: malformed`);
    const body = pos + 4;
    const bodyLength = length - 2;
    if (type === 0xe1 && bodyLength > XMP_APP1.length) {
      const id = await r.bytes(body, XMP_APP1.length, 'a JPEG APP1 segment');
      if (ascii(id) === XMP_APP1) {
        const packet = await r.bytes(body + XMP_APP1.length, bodyLength - XMP_APP1.length, 'the XMP segment');
        header.xmp.push(utf8.decode(packet));
      }
    }
    // APP11: "JP", box instance (2), sequence number (4), then the JUMBF box: LBox, "jumb", jumd box.
    if (type === 0xeb && bodyLength >= 40 && !header.manifest) {
      const start = await r.bytes(body, 40, 'a JPEG APP11 segment');
      if (ascii(start.subarray(0, 2)) === 'JP' && ascii(start.subarray(12, 16)) === 'jumb') {
        if (startsWith(start.subarray(24, 40), C2PA_STORE_UUID)) {
          header.manifest = { offset: pos, length: u32(start, 8) };
          if (options.stopAtManifest) return header;
        }
      }
    }
    pos += 2 + length;
  }
  throw new Unreadable(`JPEG: more than ${MAX_SEGMENTS} segments before the image data`);
}

async function walkPng(r: RangedReader, options: WalkOptions): Promise<Header> {
  const header: Header = { format: 'png', xmp: [] };
  let pos = 8;
  for (let chunks = 0; chunks < MAX_SEGMENTS; chunks++) {
    const head = await r.bytes(pos, 8, 'a PNG chunk header');
    const length = u32(head, 0);
    const type = ascii(head.subarray(4, 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new Unreadable(`PNG: no chunk type at byte ${pos}: malformed`);
    // The image data and the end: chunks before IDAT are where writers put XMP and C2PA.
    if (type === 'IDAT' || type === 'IEND') return header;
    if (type === 'caBX' && !header.manifest) {
      header.manifest = { offset: pos, length };
      if (options.stopAtManifest) return header;
    }
    if (type === 'iTXt') {
      const xmp = xmpOfITXt(await r.bytes(pos + 8, Math.min(length, MAX_XMP_BYTES + 64), 'an iTXt chunk'));
      if (xmp !== undefined) header.xmp.push(xmp);
    }
    pos += 12 + length;
  }
  throw new Unreadable(`PNG: more than ${MAX_SEGMENTS} chunks before the image data`);
}

/** iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text. */
function xmpOfITXt(data: Uint8Array): string | undefined {
  const nul = (from: number) => data.indexOf(0, from);
  const k = nul(0);
  if (k < 0 || ascii(data.subarray(0, k)) !== 'XML:com.adobe.xmp') return undefined;
  const compressed = data[k + 1] === 1;
  const lang = nul(k + 3);
  const translated = lang < 0 ? -1 : nul(lang + 1);
  if (translated < 0) throw new Unreadable('PNG: the XMP iTXt chunk is malformed');
  const text = data.subarray(translated + 1);
  if (!compressed) return utf8.decode(text);
  try {
    return utf8.decode(inflateSync(text, { maxOutputLength: MAX_XMP_BYTES }));
  } catch {
    throw new Unreadable(
      'PNG: the compressed XMP iTXt chunk does not inflate (corrupt, or larger than 1 MiB)',
    );
  }
}

async function walkBmff(r: RangedReader, options: WalkOptions): Promise<Header> {
  const header: Header = { format: 'bmff', xmp: [] };
  let pos = 0;
  for (let boxes = 0; boxes < MAX_SEGMENTS && pos < r.size; boxes++) {
    const head = await r.bytes(pos, 8, 'a BMFF box header');
    const size32 = u32(head, 0);
    const type = ascii(head.subarray(4, 8));
    let headerSize = 8;
    let size = size32;
    if (size32 === 1) {
      const large = await r.bytes(pos + 8, 8, 'a BMFF box size');
      size = u32(large, 0) * 2 ** 32 + u32(large, 4);
      headerSize = 16;
    } else if (size32 === 0) size = r.size - pos;
    if (size < headerSize || pos + size > r.size)
      throw new Unreadable(
        `BMFF: a box at byte ${pos} declares ${size} bytes in a ${r.size}-byte object: malformed or truncated`,
      );
    if (type === 'uuid' && !header.manifest) {
      const uuid = await r.bytes(pos + headerSize, 16, 'a BMFF uuid box');
      if (startsWith(uuid, C2PA_BMFF_UUID)) {
        header.manifest = { offset: pos, length: size };
        if (options.stopAtManifest) return header;
      }
    }
    pos += size;
  }
  if (pos < r.size) throw new Unreadable(`BMFF: more than ${MAX_SEGMENTS} top-level boxes`);
  return header;
}
