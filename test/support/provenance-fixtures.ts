import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from '../../src/provenance/ranged-reader.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'provenance');

export const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** The subject the fixture script signs "studio" images with. */
export const STUDIO = 'CN=Acme Studio, O=Acme Retail';

/** Serves bytes from memory and records every range asked, as S3 would see them. */
export function memorySource(bytes: Uint8Array): ByteSource & { ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  return {
    size: bytes.length,
    ranges,
    read: async (start, end) => {
      ranges.push([start, end]);
      return bytes.slice(start, end);
    },
  };
}
