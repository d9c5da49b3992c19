import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvidenceObjectBody, ObjectHead } from '../../../src/aws/s3-evidence.js';
import { anchorJournal } from '../../../src/commands/anchor.js';
import { HEAD_PAYLOAD_TYPE, type JournalHead } from '../../../src/journal/anchor.js';
import { checkAnchor, parseAnchor } from '../../../src/journal/anchor-check.js';
import { pae } from '../../../src/journal/dsse.js';
import { fileSigner, verifySignature } from '../../../src/journal/signer.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { scratch } from '../../support/drp.js';
import { journalLines, testSigner, writeLines } from '../../support/journal.js';

const BUCKET = 'drp-evidence-123456789012-us-east-1';

/** An evidence bucket in memory: what anchorJournal writes, checkAnchor reads. */
function memoryBucket() {
  const objects = new Map<string, Buffer>();
  const order: string[] = [];
  const toBuffer = async (body: EvidenceObjectBody['body']) =>
    typeof body === 'string'
      ? Buffer.from(body)
      : Buffer.isBuffer(body)
        ? body
        : Buffer.concat(await (await body()).toArray());
  return {
    objects,
    order,
    async putEvidenceObject(_bucket: string, key: string, object: EvidenceObjectBody) {
      const bytes = await toBuffer(object.body);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(object.sha256);
      objects.set(key, bytes);
      order.push(key);
      return { versionId: `v${order.length}` };
    },
    async getEvidenceObject(_bucket: string, key: string) {
      return objects.get(key);
    },
    async headEvidenceObject(_bucket: string, key: string): Promise<ObjectHead | undefined> {
      const bytes = objects.get(key);
      return (
        bytes && { size: bytes.length, checksumSHA256: createHash('sha256').update(bytes).digest('base64') }
      );
    },
  };
}

async function sealedRun(signer = testSigner()) {
  const dir = join(scratch(), 'evidence');
  const journal = JournalWriter.create(dir, signer);
  await journal.append('genesis', { incidentId: 'INC-1', signer: { publicKeyPem: signer.publicKeyPem } });
  await journal.artefacts.write('cloudtrail-status.json', '{"trails":[]}\n');
  await journal.artefacts.write('manifest.jsonl', '{"source":"s3://a/b"}\n');
  await journal.seal({ outcome: 'completed' });
  return { journal, signer, dir };
}

async function anchored() {
  const run = await sealedRun();
  const bucket = memoryBucket();
  const { journal } = run;
  const result = await anchorJournal(
    bucket,
    { bucket: BUCKET, incidentId: 'INC-1' },
    {
      path: journal.path,
      journalId: journal.journalId,
      entryCount: journal.entryCount,
      headHash: journal.headHash,
      artefacts: journal.artefacts.list(),
    },
    run.signer,
  );
  const location = parseAnchor(`s3://${BUCKET}/incidents/INC-1/`, journal.journalId);
  const check = (bytes = readFileSync(journal.path), keyPem = run.signer.publicKeyPem, artefacts = false) =>
    checkAnchor(bucket, location, { bytes, verification: verifyJournal(bytes), keyPem, artefacts });
  return { ...run, bucket, result, location, check };
}

describe('anchoring a sealed journal', () => {
  it('stores the journal, every artefact, then a signed head.json, under the run folder', async () => {
    const { journal, bucket, result, signer } = await anchored();
    const prefix = `incidents/INC-1/journals/${journal.journalId}/`;
    expect(bucket.order).toEqual([
      `${prefix}journal.jsonl`,
      `${prefix}artefacts/cloudtrail-status.json`,
      `${prefix}artefacts/manifest.jsonl`,
      `${prefix}head.json`,
    ]);
    expect(result.objects.map((o) => o.versionId)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(bucket.objects.get(`${prefix}journal.jsonl`)).toEqual(readFileSync(journal.path));

    const envelope = JSON.parse(bucket.objects.get(`${prefix}head.json`)!.toString());
    expect(envelope.payloadType).toBe(HEAD_PAYLOAD_TYPE);
    const payload = Buffer.from(envelope.payload, 'base64');
    expect(
      verifySignature(
        signer.publicKeyPem,
        pae(HEAD_PAYLOAD_TYPE, payload),
        Buffer.from(envelope.signatures[0].sig, 'base64'),
      ),
    ).toBe(true);
    const head = JSON.parse(payload.toString()) as JournalHead;
    const local = verifyJournal(readFileSync(journal.path));
    expect(head).toMatchObject({
      journalId: journal.journalId,
      incidentId: 'INC-1',
      entries: local.entries.length,
      head: local.head!.prev,
      journal: {
        path: 'journal.jsonl',
        sha256: createHash('sha256').update(readFileSync(journal.path)).digest('hex'),
      },
    });
    expect(head.artefacts.map((a) => a.path)).toEqual([
      'artefacts/cloudtrail-status.json',
      'artefacts/manifest.jsonl',
    ]);
  });

  it('verifies: the local journal matches its anchored copy and head, artefacts included', async () => {
    const { check } = await anchored();
    const checked = await check(undefined, undefined, true);
    expect(checked.problems).toEqual([]);
    expect(checked.ok).toBe(true);
  });

  it('fails a local journal cut short after the anchor, saying so', async () => {
    const { check, journal } = await anchored();
    const lines = journalLines(journal.path);
    writeLines(journal.path, lines.slice(0, 2));
    const checked = await check();
    expect(checked.ok).toBe(false);
    expect(checked.problems).toEqual([
      `the local journal has 2 entries, the anchored copy ${lines.length}: the local journal was cut short after line 2`,
    ]);
  });

  it('fails a local journal edited at a line, naming it', async () => {
    const { check, journal } = await anchored();
    const lines = journalLines(journal.path);
    lines[1] = lines[1]!.replace('"payload":"', '"payload":"x');
    writeLines(journal.path, lines);
    expect((await check()).problems).toEqual(['the local journal differs from the anchored copy at line 2']);
  });

  it('fails a head.json that another key signed', async () => {
    const { check } = await anchored();
    const other = fileSigner(generateKeyPairSync('ed25519').privateKey, 'other');
    expect((await check(undefined, other.publicKeyPem)).problems).toEqual([
      expect.stringMatching(/^head.json is signed by key [0-9a-f]{64}, not the journal's key$/),
    ]);
  });

  it('fails an anchored artefact whose stored bytes changed', async () => {
    const { check, bucket, journal } = await anchored();
    bucket.objects.set(
      `incidents/INC-1/journals/${journal.journalId}/artefacts/manifest.jsonl`,
      Buffer.from('forged'),
    );
    expect((await check(undefined, undefined, true)).problems).toEqual([
      "anchored artefact artefacts/manifest.jsonl: its stored SHA-256 differs from the journal's",
    ]);
  });

  it('says a journal was not anchored where there is no head.json', async () => {
    const { journal, signer } = await sealedRun();
    const bytes = readFileSync(journal.path);
    const checked = await checkAnchor(
      memoryBucket(),
      parseAnchor(`s3://${BUCKET}/incidents/INC-1/`, journal.journalId),
      {
        bytes,
        verification: verifyJournal(bytes),
        keyPem: signer.publicKeyPem,
        artefacts: false,
      },
    );
    expect(checked.problems).toEqual([
      expect.stringMatching(/^no head.json at .*: this journal was not anchored there$/),
    ]);
  });
});

describe('--anchor location', () => {
  it('finds the run folder under an incident folder from the journal id, or takes it as given', () => {
    expect(parseAnchor('s3://b-1/incidents/INC-1/', 'j1')).toEqual({
      bucket: 'b-1',
      prefix: 'incidents/INC-1/journals/j1/',
    });
    expect(parseAnchor('s3://b-1/incidents/INC-1', 'j1')).toEqual({
      bucket: 'b-1',
      prefix: 'incidents/INC-1/journals/j1/',
    });
    expect(parseAnchor('s3://b-1/incidents/INC-1/journals/j0/', 'j1')).toEqual({
      bucket: 'b-1',
      prefix: 'incidents/INC-1/journals/j0/',
    });
  });

  it('refuses what is not an s3:// URI, naming the flag', () => {
    expect(() => parseAnchor('b-1/incidents/INC-1/', 'j1')).toThrow(
      /^--anchor b-1\/incidents\/INC-1\/: expected s3:\/\/BUCKET/,
    );
  });
});
