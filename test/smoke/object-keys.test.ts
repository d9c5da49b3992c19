import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';
import { containFlags, missingControls, seedIncident, type SeededIncident } from '../support/incident.js';

const endpoint = inject('motoUrl');
const clients = emulatorClients(endpoint);

/**
 * Keys S3 accepts that a careless tool mangles: spaces, unicode, path-like segments, URL syntax,
 * characters XML cannot carry as they are, and the 1,024-byte maximum in ASCII and in UTF-8.
 * (A line feed is left out only because moto cannot store one.)
 */
const KEYS = [
  'clips/a b.mp4',
  '  leading and trailing  ',
  'ünï/çødé 🎭.mp4',
  '../escape.mp4',
  'dir/../up.mp4',
  '..',
  'a//b',
  '/leading-slash',
  '%41%2F',
  'plus+sign',
  'q?x=1#frag&y',
  'cr\rkey',
  'tab\tkey',
  'ctl\u0001key',
  `amp&lt;<>"'`,
  '\u202egnp.mp4',
  `long/${'x'.repeat(1019)}`,
  'é'.repeat(512),
];

describe('object keys with unusual characters', () => {
  let seeded: SeededIncident;
  beforeAll(async () => {
    seeded = await seedIncident(clients, { objects: 4, extraKeys: KEYS, user: false, role: false });
  });

  it('are every one held by drp contain, and listed exactly in the legal-holds manifest', async () => {
    expect(Buffer.byteLength(KEYS.at(-1)!)).toBe(1024);
    expect(KEYS.at(-2)).toHaveLength(1024);
    const dir = join(scratch(), 'ev');
    const out = await runDrp(
      ['--incident', 'INC-KEYS', 'contain', ...containFlags(seeded), '--yes', '--evidence-dir', dir],
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await missingControls(clients, seeded, 'INC-KEYS')).toEqual([]);

    const manifest = readFileSync(join(dir, 'artefacts', `legal-holds-${seeded.bucket}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { key: string; versionId: string; isDeleteMarker: boolean; heldNow: boolean },
      );
    const held = manifest.filter((e) => !e.isDeleteMarker);
    expect(held.map((e) => `${e.key}\n${e.versionId}`).sort()).toEqual(
      seeded.versions.map((v) => `${v.key}\n${v.versionId}`).sort(),
    );
    expect(held.every((e) => e.heldNow)).toBe(true);
    expect(manifest.filter((e) => e.isDeleteMarker)).toHaveLength(seeded.deleteMarkers);
    expect(new Set(held.map((e) => e.key))).toEqual(new Set([...KEYS, ...seeded.versions.map((v) => v.key)]));
  });
});
