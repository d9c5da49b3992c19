import type { Entry } from '../journal/entry.js';
import type { Verification } from '../journal/verify.js';
import { findStep } from '../steps/index.js';
import { notificationDeadline, validTime } from './time.js';

/** One journal of the incident, as `drp status` lists it. */
export interface JournalFacts {
  path: string;
  journalId?: string;
  command?: string;
  runbook?: string;
  accountId?: string;
  region?: string;
  dryRun: boolean;
  /** The seal's outcome, or "not sealed". */
  outcome: string;
  intact: boolean;
  failure?: string;
  start?: string;
  head?: string;
  entries: number;
}

/** Where one step of the incident stands: its latest result across the incident's runs and restores. */
export interface StepStanding {
  stepId: string;
  stepType: string;
  kind: 'containment' | 'evidence';
  state: 'done' | 'open' | 'not-applicable' | 'undone';
  /** applied, nothing-to-do, failed, skipped, no result, undone by restore, ... */
  outcome: string;
  detail?: string;
  time?: string;
  command?: string;
}

export interface IncidentStatus {
  incidentId: string;
  journals: JournalFacts[];
  steps: StepStanding[];
  clock?: { detectedAt: string; deadline: string; remainingMs: number };
  /** Only dry-runs (or declined plans): nothing was applied yet. */
  rehearsalOnly: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const errorText = (e: Entry) => str((e.error as { text?: string } | undefined)?.text);

/** The incident's standing from its verified journals (runs, re-runs, restores), oldest events first. */
export function incidentStatus(
  incidentId: string,
  journals: { path: string; verification: Verification }[],
  now: Date,
): IncidentStatus {
  const facts: JournalFacts[] = [];
  const standing = new Map<string, StepStanding>();
  const events: { time: string; apply: () => void }[] = [];
  let detectedAt: string | undefined;
  let live = false;
  for (const { path, verification: v } of journals) {
    const genesis = v.entries[0]?.type === 'genesis' ? v.entries[0] : undefined;
    const seal = v.entries.at(-1)?.type === 'seal' ? v.entries.at(-1) : undefined;
    const command = str(genesis?.command);
    const dryRun = genesis?.dryRun === true;
    const outcome = str(seal?.outcome) ?? 'not sealed';
    facts.push({
      path,
      journalId: v.head?.journalId,
      command,
      runbook: str((genesis?.runbook as { name?: string } | undefined)?.name),
      accountId: str((genesis?.caller as { accountId?: string } | undefined)?.accountId),
      region: str(genesis?.region),
      dryRun,
      outcome,
      intact: v.ok,
      ...(v.failure ? { failure: `line ${v.failure.line}: ${v.failure.reason}` } : {}),
      start: genesis?.time,
      head: v.head?.prev,
      entries: v.entries.length,
    });
    if (dryRun || outcome === 'declined') continue;
    const restore = command === 'restore';
    if (!restore) {
      live = true;
      const at = validTime(genesis?.detectedAt) ?? validTime(genesis?.time);
      if (at && (!detectedAt || at < detectedAt)) detectedAt = at;
    }
    for (const e of v.entries) {
      if (typeof e.stepId !== 'string' || !['intent', 'result', 'restore'].includes(e.type)) continue;
      const key = `${e.stepId}/${String(e.stepType)}`;
      const kind = findStep(String(e.stepType))?.restore ? 'containment' : 'evidence';
      const set = (state: StepStanding['state'], outcomeText: string, detail?: string) => () =>
        standing.set(key, {
          stepId: e.stepId as string,
          stepType: String(e.stepType),
          kind,
          state,
          outcome: outcomeText,
          ...(detail ? { detail } : {}),
          time: e.time,
          ...(command ? { command } : {}),
        });
      const outcomeOf = str(e.outcome) ?? '';
      let apply: (() => void) | undefined;
      if (e.type === 'intent' && !restore) apply = set('open', 'no result (the run stopped in this step)');
      else if (e.type === 'result' && ['applied', 'nothing-to-do'].includes(outcomeOf))
        apply = set('done', outcomeOf);
      else if (e.type === 'result' && outcomeOf === 'not-applicable')
        apply = set('not-applicable', outcomeOf, str(e.reason));
      else if (e.type === 'result') apply = set('open', outcomeOf, errorText(e) ?? str(e.reason));
      else if (e.type === 'restore' && outcomeOf === 'applied')
        apply = set('undone', 'undone by drp restore', `restore journal ${path}`);
      if (apply) events.push({ time: e.time, apply });
    }
  }
  // Across journals by time: a re-run after a restore contains again; a restore after the run undoes.
  for (const event of events.sort((a, b) => a.time.localeCompare(b.time))) event.apply();
  const deadline = detectedAt && notificationDeadline(detectedAt);
  return {
    incidentId,
    journals: facts,
    steps: [...standing.values()],
    ...(detectedAt && deadline
      ? { clock: { detectedAt, deadline, remainingMs: Date.parse(deadline) - now.getTime() } }
      : {}),
    rehearsalOnly: !live,
  };
}
