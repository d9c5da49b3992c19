import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isJournalLocked } from '../journal/lock.js';
import { verifyJournal } from '../journal/verify.js';
import { JOURNAL_FILE } from '../journal/writer.js';
import { drpCommand } from '../invocation.js';

// The runs of one incident in its default directory (src/runbook/session.ts, defaultEvidenceDir):
// evidence/<id>/journal.jsonl, run-2/, run-3/, ... live; dry-run-1/, ... rehearsals.

const RUN_DIR = /^run-(\d+)$/;
const DRY_RUN_DIR = /^dry-run-\d+$/;

/** The incident's directory, from the path of one of its journals (a run's or a dry-run's). */
export function incidentDirOf(journalPath: string, incidentId: string): string {
  const dir = dirname(journalPath);
  const name = basename(dir);
  const parent = dirname(dir);
  return (RUN_DIR.test(name) || DRY_RUN_DIR.test(name)) && basename(parent) === incidentId ? parent : dir;
}

/** The live runs' journals in an incident's directory, in run order. */
export function liveRunJournals(incidentDir: string): string[] {
  if (!existsSync(incidentDir)) return [];
  const runs = readdirSync(incidentDir)
    .map((name) => ({ name, n: Number(RUN_DIR.exec(name)?.[1]) }))
    .filter((r) => Number.isInteger(r.n))
    .sort((a, b) => a.n - b.n)
    .map((r) => join(incidentDir, r.name, JOURNAL_FILE));
  return [join(incidentDir, JOURNAL_FILE), ...runs].filter((p) => existsSync(p));
}

/** Where a dry-run's reader should look instead: the incident's live runs, or how to make one. */
export function liveRunsHint(dryRunJournal: string, incidentId: string): string {
  const live = liveRunJournals(incidentDirOf(dryRunJournal, incidentId));
  return live.length
    ? `the live run${live.length > 1 ? 's' : ''} of ${incidentId}: ${live.join(', ')}`
    : `no live run of ${incidentId} is journaled beside it: run the same command without --dry-run (and --incident ${incidentId})`;
}

export interface UnfinishedRun {
  journal: string;
  /** `interrupted`: sealed at Ctrl-C; `cut`: ends without a seal (a second Ctrl-C, kill -9, a crash). */
  how: 'interrupted' | 'cut';
  /** The step it stopped in, when the journal says. */
  stepId?: string;
  /** Its last entry's time. */
  time?: string;
}

/** A live run of the incident that did not finish and can be resumed; the latest one. */
export function findUnfinishedRun(incidentDir: string): UnfinishedRun | undefined {
  for (const journal of liveRunJournals(incidentDir).reverse()) {
    // Being written right now: the incident lock refuses the second run, naming who holds it.
    if (isJournalLocked(journal)) continue;
    const v = verifyJournal(readFileSync(journal));
    if (!v.stoppedByInterrupt && !v.interrupted) continue;
    if (v.entries[0]?.dryRun === true) continue;
    const stop = v.entries.findLast((e) => e.type === 'interrupted' || e.type === 'intent');
    const last = v.entries.at(-1);
    return {
      journal,
      how: v.stoppedByInterrupt ? 'interrupted' : 'cut',
      ...(typeof stop?.stepId === 'string' ? { stepId: stop.stepId } : {}),
      ...(last ? { time: last.time } : {}),
    };
  }
  return undefined;
}

/** One line naming an unfinished run and the command that finishes it. */
export function describeUnfinished(run: UnfinishedRun, incidentId: string): string {
  const where = run.stepId ? ` in step ${run.stepId}` : '';
  const when = run.time ? ` at ${run.time}` : '';
  const how =
    run.how === 'interrupted' ? `was interrupted${where}${when}` : `stopped${where}${when} without a seal`;
  return `incident ${incidentId} has an unfinished run: ${run.journal} ${how}. Finish it with: ${drpCommand('resume', run.journal)}`;
}
