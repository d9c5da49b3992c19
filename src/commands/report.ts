import { buildReport, type ReportOptions } from '../report/build.js';
import { journalPathOf } from '../journal/locate.js';
import type { CommandResult } from './env.js';

export type { ReportFormat, ReportOptions } from '../report/build.js';

/**
 * `drp report <journal>`: an incident report from the journal alone, offline. The journal is
 * verified first; one that fails still gets its report, which says so at the top: exit 1.
 */
export async function report(given: string, opts: ReportOptions): Promise<CommandResult> {
  const journalPath = journalPathOf(given);
  const { format, model, doc } = await buildReport(journalPath, opts);
  const intact = model.journal.intact;
  const status = intact
    ? 'journal intact'
    : `JOURNAL FAILED VERIFICATION${model.journal.failure ? ` at line ${model.journal.failure.line}: ${model.journal.failure.reason}` : ': artefact files do not match'}`;
  return {
    exitCode: intact ? 0 : 1,
    text: opts.out
      ? `wrote ${opts.out} (${format}${model.rehearsal ? ', REHEARSAL' : ''}): ${status}`
      : doc.trimEnd(),
    json: { ok: intact, journal: journalPath, format, out: opts.out, report: model },
  };
}
