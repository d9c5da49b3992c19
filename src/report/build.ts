import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { ARTEFACT_DIR } from '../journal/artefacts.js';
import { isUsablePublicKey, verifyJournal, type Verification } from '../journal/verify.js';
import { JOURNAL_FILE } from '../journal/writer.js';
import { readInput } from '../read-input.js';
import { checkArtefactFiles } from './artefacts.js';
import { gdprDraft } from './gdpr.js';
import { renderGdprHtml, renderGdprMarkdown } from './gdpr-render.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReportModel, type ReportModel } from './model.js';
import { checkTimeZone, parseInstant } from './time.js';

/** `gdpr`: the draft of the GDPR Art. 33(3) notification (markdown, or HTML for an --out ending in .html). */
export type ReportFormat = 'md' | 'html' | 'gdpr';

export interface ReportOptions {
  /** Default: html when --out ends in .html/.htm, else md. */
  format?: ReportFormat;
  out?: string;
  /** Replace an existing --out file. */
  force?: boolean;
  pubkey?: string;
  /** IANA zone the clock is also shown in (default UTC). */
  tz?: string;
  /** The time the report is made at (default now): for reproducible reports and tests. */
  now?: string;
  /** With `gdpr`: journals of the incident's scan runs, whose synthetic-media findings the draft states. */
  scanJournals?: string[];
}

function verifyWith(bytes: Buffer, pubkeyPath: string | undefined): Verification {
  const pubkeyPem = pubkeyPath ? readInput(pubkeyPath, '--pubkey').toString('utf8') : undefined;
  if (pubkeyPem && !pubkeyPem.includes('PUBLIC KEY'))
    throw new UserError(`--pubkey ${pubkeyPath}: not a PEM public key`);
  if (pubkeyPem && !isUsablePublicKey(pubkeyPem))
    throw new UserError(`--pubkey ${pubkeyPath}: not a usable public key (it does not parse as one)`);
  return verifyJournal(bytes, { pubkeyPem });
}

/** The journal and its artefacts are evidence: no --out, even with --force, may land on them. */
function checkOut(out: string, journalPath: string): void {
  // Real paths, so a symlink named like a report cannot point --force at the journal.
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  const evidenceDir = real(dirname(journalPath));
  const target = join(real(dirname(resolve(out))), basename(out));
  const fromArtefacts = relative(join(evidenceDir, ARTEFACT_DIR), real(target));
  const inArtefacts =
    fromArtefacts === '' || !(fromArtefacts.startsWith(`..${sep}`) || isAbsolute(fromArtefacts));
  if ([real(journalPath), join(evidenceDir, JOURNAL_FILE)].includes(real(target)) || inArtefacts)
    throw new UserError(
      `--out ${out}: would overwrite the journal or its artefacts; write the report elsewhere`,
    );
}

function writeOut(out: string, doc: string, force: boolean): void {
  try {
    writeFileSync(out, doc, { flag: force ? 'w' : 'wx', mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UserError(
        `--out ${out}: already exists. A report may already have been sent from it: choose another name, or pass --force to replace it`,
      );
    throw new UserError(`--out ${out}: cannot write (${code ?? String(err)})`);
  }
}

const lineCount = (bytes: Buffer) => {
  const text = bytes.toString('utf8');
  return text.split('\n').length - (text.endsWith('\n') || text === '' ? 1 : 0);
};

export interface BuiltReport {
  format: ReportFormat;
  model: ReportModel;
  /** The rendered report, also written to --out when given. */
  doc: string;
}

/**
 * The report of a journal, from the journal alone, offline: verified first (one that fails still
 * gets its report, which says so at the top), rendered, and written to `out` when given. `drp
 * report` prints it; the drill writes both formats beside its evidence.
 */
export async function buildReport(journalPath: string, opts: ReportOptions): Promise<BuiltReport> {
  const timeZone = checkTimeZone(opts.tz ?? 'UTC');
  const now = opts.now ? parseInstant(opts.now, '--now') : new Date();
  const format: ReportFormat = opts.format ?? (/\.html?$/i.test(opts.out ?? '') ? 'html' : 'md');
  if (opts.out) checkOut(opts.out, journalPath);
  const bytes = readInput(journalPath, '<journal>');
  const verification = verifyWith(bytes, opts.pubkey);
  const modelOf = async (path: string, bytes: Buffer, verification: Verification) =>
    buildReportModel({
      verification,
      totalLines: lineCount(bytes),
      pinned: Boolean(opts.pubkey),
      artefactChecks: await checkArtefactFiles(verification.entries, dirname(path)),
      now,
      timeZone,
    });
  const model = await modelOf(journalPath, bytes, verification);
  let doc: string;
  if (format === 'gdpr') {
    // A scan's findings count only from a journal that verifies: the draft states them as facts.
    const scans: ReportModel[] = [];
    for (const path of opts.scanJournals ?? []) {
      const scanBytes = readInput(path, '<scan journal>');
      const v = verifyWith(scanBytes, opts.pubkey);
      if (v.ok) scans.push(await modelOf(path, scanBytes, v));
    }
    const draft = gdprDraft(model, scans);
    doc = /\.html?$/i.test(opts.out ?? '') ? renderGdprHtml(draft) : renderGdprMarkdown(draft);
  } else doc = format === 'html' ? renderHtml(model) : renderMarkdown(model);
  if (opts.out) writeOut(opts.out, doc, Boolean(opts.force));
  return { format, model, doc };
}
