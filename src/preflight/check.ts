import type { Identity } from '../identities.js';
import type { LoadedRunbook } from '../runbook/load.js';

/**
 * ready: nothing to do. gap: a run works, but something is missing or weaker than it should be.
 * blocked: a run would fail (a step that stops the run could not do its work).
 */
export type Verdict = 'ready' | 'gap' | 'blocked';

export const GROUPS = ['identity', 'permissions', 'organization', 'bucket', 'evidence', 'signing'] as const;
export type Group = (typeof GROUPS)[number];

/** One line of the checklist. */
export interface Check {
  group: Group;
  /** What was checked, short: "role arn:aws:iam::1:role/ir/drp-org", "s3:PutObjectLegalHold". */
  name: string;
  verdict: Verdict;
  /** What preflight saw. */
  detail: string;
  /** For a gap or a block: the exact fix (a command, a policy statement, a console path). */
  fix?: string;
  /** The runbook steps the check concerns, by id. */
  steps?: string[];
  identity?: Identity;
}

export const ready = (group: Group, name: string, detail: string, extra: Partial<Check> = {}): Check => ({
  group,
  name,
  verdict: 'ready',
  detail,
  ...extra,
});

/** The step of a runbook by type, when the runbook has it. */
export const stepsOfType = (runbook: LoadedRunbook, ...types: string[]) =>
  runbook.runbook.steps.filter((s) => types.includes(s.type));

/**
 * How bad it is when these steps cannot do their work: blocked when one of them stops the run
 * (onError: stop, the default), a gap when every one continues without it (the rest still runs).
 */
export function verdictFor(runbook: LoadedRunbook, stepIds: readonly string[]): Verdict {
  const steps = runbook.runbook.steps.filter((s) => stepIds.includes(s.id));
  return steps.some((s) => (s.onError ?? 'stop') === 'stop') ? 'blocked' : 'gap';
}

const RANK: Record<Verdict, number> = { blocked: 0, gap: 1, ready: 2 };

/** Counts, and the three fixes that matter most: blocks before gaps, in checklist order. */
export function summarize(checks: Check[]) {
  const counts = { ready: 0, gap: 0, blocked: 0 };
  for (const c of checks) counts[c.verdict]++;
  const topFixes = checks
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.verdict !== 'ready' && c.fix)
    .sort((a, b) => RANK[a.c.verdict] - RANK[b.c.verdict] || a.i - b.i)
    .slice(0, 3)
    .map(({ c }) => ({ verdict: c.verdict, name: `${c.group}: ${c.name}`, fix: c.fix! }));
  return { counts, topFixes };
}
