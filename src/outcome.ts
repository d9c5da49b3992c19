import { SIGNAL_EXIT, type StopSignal } from './errors.js';

/**
 * A run's outcome in words, and the exit code it stands for: one place, so the line the terminal
 * prints, the status box the report opens with and the exit code never disagree (docs/cli.md).
 */
export type RunOutcome = 'completed' | 'failed' | 'dry-run' | 'declined' | 'interrupted';

export interface OutcomeFacts {
  outcome: RunOutcome | string;
  /** A containment (drp contain's runbook): a complete run is CONTAINED. */
  containment: boolean;
  failed: string[];
  notApplicable: string[];
  signal?: StopSignal | string;
}

const list = (ids: string[]) => ids.join(', ');

/** "CONTAINED: every applicable control is in place (not applicable here: scp-deny)." */
export function headline(f: OutcomeFacts): string {
  const na = f.notApplicable.length ? ` (not applicable here: ${list(f.notApplicable)})` : '';
  const failed = `${f.failed.length === 1 ? 'a step' : `${f.failed.length} steps`} failed (${list(f.failed)})`;
  switch (f.outcome) {
    case 'completed':
      return f.containment
        ? `CONTAINED: every applicable control is in place${na}.`
        : `COMPLETED: every applicable step succeeded${na}.`;
    case 'failed':
      return `${f.containment ? 'CONTAINMENT INCOMPLETE' : 'INCOMPLETE'}: ${failed}.`;
    case 'interrupted':
      return `INTERRUPTED by ${f.signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C (SIGINT)'}: the calls in flight finished and are recorded; the journal is sealed.`;
    case 'dry-run':
      return 'Dry-run: nothing was changed.';
    case 'declined':
      return 'Declined: nothing was changed.';
    default:
      return `NOT SEALED: the run stopped before its end (a forced exit, a crash) or the journal was cut.`;
  }
}

/** The exit code of the run that ended so: 0 completed (or dry-run), 130/143 interrupted, else 1. */
export function exitCodeFor(outcome: RunOutcome | string, signal?: StopSignal | string): 0 | 1 | 130 | 143 {
  if (outcome === 'completed' || outcome === 'dry-run') return 0;
  if (outcome === 'interrupted') return SIGNAL_EXIT[signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'];
  return 1;
}
