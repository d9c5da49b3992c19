import { buildReport, type ReportOptions } from '../report/build.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { journalPathOf } from '../journal/locate.js';
import type { CommandResult } from './env.js';
import { incidentDirOf, liveRunJournals } from './live-runs.js';

/**
 * The other runs of the journal's incident (evidence/<id>/, run-N/) whose steps scanned for
 * synthetic media: `drp scan --incident ID` journals beside `drp contain`'s. The draft states
 * their findings (EU AI Act Art. 50).
 */
function scanRunsBeside(journalPath: string): string[] {
  const head = readFileSync(journalPath, 'utf8').split('\n', 1)[0] ?? '';
  let incidentId: string | undefined;
  try {
    const { payload } = JSON.parse(head) as { payload: string };
    incidentId = (JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { incidentId?: string })
      .incidentId;
  } catch {
    return [];
  }
  if (!incidentId) return [];
  const self = resolve(journalPath);
  return liveRunJournals(incidentDirOf(journalPath, incidentId)).filter(
    (p) => resolve(p) !== self && /"stepType":"(rekognition-scan|provenance-scan)"/.test(decodedText(p)),
  );
}

/** A journal's payloads, decoded: enough to see which step types it ran. */
function decodedText(path: string): string {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [Buffer.from((JSON.parse(line) as { payload: string }).payload, 'base64').toString('utf8')];
      } catch {
        return [];
      }
    })
    .join('\n');
}

export type { ReportFormat, ReportOptions } from '../report/build.js';

/**
 * `drp report <journal>`: an incident report from the journal alone, offline. The journal is
 * verified first; one that fails still gets its report, which says so at the top: exit 1.
 */
export async function report(given: string, opts: ReportOptions): Promise<CommandResult> {
  const journalPath = journalPathOf(given);
  const { format, model, doc } = await buildReport(journalPath, {
    ...opts,
    ...(opts.format === 'gdpr' ? { scanJournals: scanRunsBeside(journalPath) } : {}),
  });
  const intact = model.journal.intact;
  const status = intact
    ? 'journal intact'
    : `JOURNAL FAILED VERIFICATION${model.journal.failure ? ` at line ${model.journal.failure.line}: ${model.journal.failure.reason}` : ': artefact files do not match'}`;
  return {
    exitCode: intact ? 0 : 1,
    text: opts.out
      ? `wrote ${opts.out} (${format}${model.rehearsal ? ', REHEARSAL' : ''}): ${status}`
      : doc.trimEnd(),
    // `document`: what the text output prints (or --out holds): the markdown, the HTML or the GDPR
    // draft, so that --output json gives the draft itself, not only the model it is made from.
    json: { ok: intact, journal: journalPath, format, out: opts.out, report: model, document: doc },
  };
}
