import { changeLine, obj, sameChange } from './fields.js';
import { SCAN_STEP_TYPES, scanFindingCount, scanSummary } from './scan.js';
import { socSummary } from './soc.js';
import type { ResumeEvent, TimelineStep } from './timeline.js';
import { plural } from '../text.js';
import { formatUtc } from './time.js';

export type FindingKind =
  | 'journal'
  | 'failed'
  | 'no-result'
  | 'skipped'
  | 'declined'
  | 'resumed'
  | 'interrupted'
  | 'scan'
  | 'soc'
  | 'note';

const SEVERITY: FindingKind[] = [
  'journal',
  'failed',
  'no-result',
  'skipped',
  'declined',
  'resumed',
  'interrupted',
  'scan',
  'soc',
  'note',
];

export interface Finding {
  kind: FindingKind;
  stepId?: string;
  text: string;
}

export interface RunFacts {
  rehearsal: boolean;
  declined: boolean;
  resumes: ResumeEvent[];
}

function resumeText(r: ResumeEvent): string {
  const by = r.callerArn ? ` by ${r.callerArn}` : '';
  const t = r.tornTail;
  const torn = t
    ? `; its torn last line was kept in ${t.file}${t.sha256 ? ` (SHA-256 ${t.sha256})` : ''}`
    : '';
  return (
    `the run stopped early and was resumed at ${formatUtc(r.time)}${by}: ` +
    `${plural(r.done.length, 'step')} done before, ${r.remaining.length} to go${torn}`
  );
}

/**
 * Findings are everything a reader must act on or know: every note a plan or result carried
 * (missing CloudTrail coverage, an SCP that could not be applied, ...), every step that failed,
 * was skipped or never got a result, and scan counts. `remaining` is the to-do list they imply.
 */
export function buildFindings(
  steps: TimelineStep[],
  run: RunFacts,
): { findings: Finding[]; remaining: string[] } {
  const findings: Finding[] = [];
  const remaining: string[] = [];
  for (const [index, s] of steps.entries()) {
    const id = s.stepId;
    if (s.outcome === 'failed') {
      const done = s.changes.length
        ? ` (done before it failed: ${s.changes.map(changeLine).join('; ')})`
        : '';
      const where = s.phase === 'plan' ? 'could not be planned: ' : '';
      findings.push({ kind: 'failed', stepId: id, text: `${where}${s.error ?? 'no error recorded'}${done}` });
      const undone = s.planned.filter((p) => !s.changes.some((c) => sameChange(c, p)));
      const what = undone.length
        ? undone.map(changeLine).join('; ')
        : `everything step ${id} (${s.stepType}) does`;
      remaining.push(
        `${id}: not done: ${what}. Fix the cause above, then run the same command again (steps are idempotent).`,
      );
    } else if (s.outcome === 'skipped') {
      findings.push({ kind: 'skipped', stepId: id, text: `not run: ${s.reason ?? 'no reason recorded'}` });
      remaining.push(`${id} (${s.stepType}): not run; it runs when the same command is run again.`);
    } else if (s.outcome === 'no-result') {
      findings.push({
        kind: 'no-result',
        stepId: id,
        text: 'the journal has its intent but no result: the run stopped during this step, its changes may be partly made',
      });
      const what = s.planned.length ? s.planned.map(changeLine).join('; ') : 'its changes';
      remaining.push(`${id}: check ${what} in AWS, then run the same command again.`);
    }
    if (s.outcome === 'interrupted') {
      const again = steps.slice(index + 1).some((o) => o.stepId === id);
      const done = s.changes.length
        ? ` (done before it, and recorded: ${s.changes.map(changeLine).join('; ')})`
        : '';
      findings.push({
        kind: 'interrupted',
        stepId: id,
        text: `the run was stopped during this step${done}; ${again ? 'it ran again after the resume' : 'it has not run to its end'}`,
      });
      if (!again)
        remaining.push(
          `${id}: interrupted part-way: finish it with drp resume of this journal (what is done is kept).`,
        );
    }
    for (const note of s.notes) findings.push({ kind: 'note', stepId: id, text: note });
    const data = obj(s.data);
    if (data && SCAN_STEP_TYPES.includes(s.stepType)) {
      const summary = scanSummary(data);
      if (summary) findings.push({ kind: 'scan', stepId: id, text: summary });
      const flagged = scanFindingCount(data);
      if (flagged)
        remaining.push(
          `${id}: review the ${plural(flagged, 'object')} the scan flagged (its findings artefact).`,
        );
    }
    const soc = data && socSummary(s.stepType, data);
    if (soc) {
      findings.push({ kind: 'soc', stepId: id, text: soc.text });
      if (soc.todo) remaining.push(`${id}: ${soc.todo}.`);
    }
  }
  for (const r of run.resumes) findings.push({ kind: 'resumed', text: resumeText(r) });
  const plannedChanges = steps.reduce((n, s) => n + (s.outcome === 'planned' ? s.planned.length : 0), 0);
  if (run.declined) {
    findings.push({ kind: 'declined', text: 'the operator declined the plan: nothing was applied' });
  }
  if ((run.rehearsal || run.declined) && plannedChanges > 0) {
    remaining.push(
      `${run.rehearsal ? 'This was a rehearsal (dry run)' : 'The plan was declined'}: nothing was changed. ` +
        `Run the same command${run.rehearsal ? ' without --dry-run' : ''} to apply the ${plural(plannedChanges, 'planned change')}.`,
    );
  }
  // Stable: what failed first, notes last, each kind in step order.
  findings.sort((a, b) => SEVERITY.indexOf(a.kind) - SEVERITY.indexOf(b.kind));
  return { findings, remaining };
}
