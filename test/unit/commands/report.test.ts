import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { report } from '../../../src/commands/report.js';
import { UserError } from '../../../src/errors.js';
import type { ReportModel } from '../../../src/report/model.js';
import { scratch } from '../../support/drp.js';
import { journalLines, testSigner, writeLines } from '../../support/journal.js';
import { containedRun, writeRun } from '../../support/report-journals.js';

const NOW = '2026-11-25T05:00:00Z';
const modelOf = (json: unknown) => (json as { report: ReportModel }).report;

describe('drp report', () => {
  it('exits 0 for an intact journal, with the markdown report as its text and the model as its json', async () => {
    const { path } = await writeRun(containedRun());
    const result = await report(path, { now: NOW });
    expect(result.exitCode).toBe(0);
    expect(result.text).toMatch(/^# Incident report `INC-20261125-030000-ab12`\n/);
    expect(result.json).toMatchObject({ ok: true, journal: path, format: 'md' });
    expect(modelOf(result.json).steps).toHaveLength(3);
  });

  it('gives the GDPR draft itself under --output json, beside the model it is made from', async () => {
    const { path } = await writeRun(containedRun());
    const result = await report(path, { now: NOW, format: 'gdpr' });
    const json = result.json as { format: string; document: string; report: ReportModel };
    expect(json.format).toBe('gdpr');
    expect(json.document.trimEnd()).toBe(result.text);
    expect(json.document).toMatch(/Art\. 33/);
    expect(json.report.steps).toHaveLength(3);
  });

  it('is deterministic for a given --now: the same journal gives the same report', async () => {
    const { path } = await writeRun(containedRun());
    const a = await report(path, { now: NOW, format: 'html', tz: 'Europe/Berlin' });
    const b = await report(path, { now: NOW, format: 'html', tz: 'Europe/Berlin' });
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('2026-11-25 05:00:00 UTC');
  });

  it('still reports a tampered journal, says so first, and exits 1', async () => {
    const { path, dir } = await writeRun(containedRun());
    const lines = journalLines(path);
    [lines[3], lines[4]] = [lines[4]!, lines[3]!];
    writeLines(path, lines);
    const out = join(dir, '..', 'report.md');
    const result = await report(path, { now: NOW, out });
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(
      /^wrote .*report\.md \(md\): JOURNAL FAILED VERIFICATION at line 4: seq 4 where 3 was expected: entries were reordered$/,
    );
    expect(readFileSync(out, 'utf8').split('\n')[2]).toMatch(
      /^> \*\*JOURNAL FAILED VERIFICATION at line 4\*\*/,
    );
  });

  it('pins the key with --pubkey, and fails a journal signed by another key', async () => {
    const { path, signer } = await writeRun(containedRun());
    const keys = scratch();
    writeFileSync(join(keys, 'right.pem'), signer.publicKeyPem);
    writeFileSync(join(keys, 'wrong.pem'), testSigner().publicKeyPem);
    const pinned = await report(path, { now: NOW, pubkey: join(keys, 'right.pem') });
    expect(pinned.exitCode).toBe(0);
    expect(modelOf(pinned.json).journal).toMatchObject({
      pinned: true,
      fingerprint: signer.fingerprint,
      warnings: [],
    });
    expect(pinned.text).toContain(`\`${signer.fingerprint}\` (ed25519): pinned with --pubkey`);
    const wrong = await report(path, { now: NOW, pubkey: join(keys, 'wrong.pem') });
    expect(wrong.exitCode).toBe(1);
    expect(modelOf(wrong.json).journal.failure).toEqual({
      line: 1,
      reason: expect.stringMatching(/wrong key/),
    });
  });

  it('exits 1 when an artefact file beside the journal no longer matches its hash', async () => {
    const { path, dir } = await writeRun(containedRun());
    writeFileSync(join(dir, 'artefacts', 'bucket-config.json'), 'edited\n');
    const result = await report(path, { now: NOW });
    expect(result.exitCode).toBe(1);
    expect(result.text).toContain(
      '> **ARTEFACT FILES DO NOT MATCH THE JOURNAL**: artefacts/bucket-config.json: changed',
    );
  });

  it('writes --out (mode 0600), picks html from its extension, and never replaces a file without --force', async () => {
    const { path } = await writeRun(containedRun());
    const out = join(scratch(), 'INC.html');
    expect((await report(path, { now: NOW, out })).text).toBe(`wrote ${out} (html): journal intact`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    writeFileSync(out, 'sent to the DPA');
    await expect(report(path, { now: NOW, out })).rejects.toThrow(
      /--out .*INC\.html: already exists.*--force/,
    );
    expect(readFileSync(out, 'utf8')).toBe('sent to the DPA');
    await report(path, { now: NOW, out, force: true, format: 'md' });
    expect(readFileSync(out, 'utf8')).toMatch(/^# Incident report/);
  });

  it('refuses an --out on the journal or its artefacts, even with --force or through a symlink', async () => {
    const { path, dir } = await writeRun(containedRun());
    const before = readFileSync(path, 'utf8');
    const link = join(scratch(), 'report.md');
    symlinkSync(path, link);
    for (const out of [
      path,
      join(dir, 'artefacts', 'bucket-config.json'),
      join(dir, 'artefacts', 'new.md'),
      link,
    ])
      await expect(report(path, { now: NOW, out, force: true })).rejects.toThrow(
        /would overwrite the journal or its artefacts/,
      );
    expect(readFileSync(path, 'utf8')).toBe(before);
    await report(path, { now: NOW, out: join(dir, 'report.md') });
    expect(existsSync(join(dir, 'report.md'))).toBe(true);
  });

  it('is a usage error (exit 2) for a bad --tz, a bad --now, a missing journal or a bad key', async () => {
    const { path } = await writeRun(containedRun());
    const bad = join(scratch(), 'bad.pem');
    writeFileSync(bad, '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n');
    for (const [journal, opts, message] of [
      [path, { tz: 'Europe/Atlantis' }, /--tz Europe\/Atlantis/],
      [path, { now: 'tomorrow' }, /--now tomorrow: expected an ISO 8601 time/],
      ['/nonexistent/journal.jsonl', {}, /<journal>: cannot read/],
      [path, { pubkey: bad }, /--pubkey .*bad\.pem: not a usable public key/],
    ] as const) {
      const run = report(journal, opts);
      await expect(run).rejects.toThrow(UserError);
      await expect(run).rejects.toThrow(message);
    }
  });
});
