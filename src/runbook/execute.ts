import {
  describeError,
  formatError,
  Interrupted,
  interruptedBy,
  isUserError,
  type AwsErrorInfo,
  type StopSignal,
} from '../errors.js';
import type { EntryType, Outcome } from '../journal/entry.js';
import type { RunOutcome } from '../outcome.js';
import type { JournalWriter } from '../journal/writer.js';
import { logFailure, type Logger } from '../log.js';
import { type AnyStep, type Change, type Plan, type StepContext, StepFailure } from '../steps/define.js';

/** A runbook step with its params substituted and parsed: ready to plan. */
export interface PreparedStep {
  id: string;
  type: string;
  onError: 'stop' | 'continue';
  definition: AnyStep;
  params: unknown;
}

export interface PlannedStep extends PreparedStep {
  plan?: Plan;
  /** A plan that failed (an AWS error): the step fails when its turn comes. */
  planError?: unknown;
  /** Why the operator declined this step alone (a drifted restore action): journaled as skipped. */
  declined?: string;
}

/**
 * Outcomes a step has only in a run's report, never in a `result` entry: `interrupted` (Ctrl-C
 * stopped it part-way; the `interrupted` entry has what it did) and `not-run` (the run was
 * interrupted before its turn). Neither is closed by a result, so `drp resume` runs them again.
 */
export type StopOutcome = 'interrupted' | 'not-run';

export interface StepReport {
  id: string;
  type: string;
  outcome: Outcome | 'planned' | StopOutcome;
  changes: Change[];
  notes: string[];
  requestIds: string[];
  error?: AwsErrorInfo & { text: string };
  /** Why a step was skipped. */
  reason?: string;
  /** What apply returned as `data` (also for a partial failure): in --output json, and for later steps. */
  data?: unknown;
}

export type { RunOutcome } from '../outcome.js';

export interface RunReport {
  outcome: RunOutcome;
  steps: StepReport[];
  /** What stopped an interrupted run. */
  interrupt?: StopSignal;
}

/** At most this many request ids go in a result entry; bulk ids belong in the step's artefact. */
const MAX_REQUEST_IDS = 50;

/**
 * Plans every step, read-only. The plans run at once: each reads the live state on its own, and
 * nothing applies before the last one is in, so the first change (the isolation) waits for the
 * slowest plan, not for their sum. A UserError (a bucket or user that does not exist) ends the
 * whole run before anything changes, the first in step order; any other failure is kept for its
 * step's turn.
 */
export async function planSteps(
  steps: PreparedStep[],
  contextFor: (step: PreparedStep) => StepContext,
  log: Logger,
): Promise<PlannedStep[]> {
  const settled = await Promise.allSettled(
    steps.map((step) => Promise.resolve().then(() => step.definition.plan(contextFor(step), step.params))),
  );
  const userError = settled.find((s) => s.status === 'rejected' && isUserError(s.reason));
  if (userError) throw (userError as PromiseRejectedResult).reason;
  return steps.map((step, i) => {
    const s = settled[i]!;
    if (s.status === 'fulfilled') return { ...step, plan: s.value };
    logFailure(log, 'warn', { step: step.id }, s.reason, 'plan failed');
    return { ...step, planError: s.reason };
  });
}

const errorOf = (err: unknown) => ({ ...describeError(err), text: formatError(err) });

export interface ApplyDeps {
  journal: JournalWriter;
  contextFor(step: PreparedStep): StepContext;
  log: Logger;
  /** The entry that closes each step: `result` in a run, `restore` in a restore journal. */
  closeWith?: Extract<EntryType, 'result' | 'restore'>;
  /** Told each step's report (by its index in `planned`) once its closing entry is journaled. */
  onStepDone?(report: StepReport, index: number): void;
  /** The run's interrupt (Ctrl-C): once aborted, no further step starts (see applySteps). */
  signal?: AbortSignal;
}

/** Journals the plans of a run that changes nothing: a dry-run, or a run the operator declined. */
export async function recordPlans(planned: PlannedStep[], journal: JournalWriter): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const step of planned) {
    const base = { stepId: step.id, stepType: step.type, params: step.params };
    if (step.plan) await journal.append('plan', { ...base, plan: step.plan });
    else await journal.append('plan', { ...base, error: errorOf(step.planError) });
    reports.push({
      id: step.id,
      type: step.type,
      outcome: step.plan ? 'planned' : 'failed',
      changes: step.plan?.changes ?? [],
      notes: step.plan?.notes ?? [],
      requestIds: [],
      ...(step.plan ? {} : { error: errorOf(step.planError) }),
    });
  }
  return reports;
}

/**
 * Applies planned steps in order. Each change is announced by an fsynced `intent` entry before
 * the step's first AWS call and closed by a `result` entry; a step with nothing to change is
 * journaled too. After a failure with onError: stop, the remaining steps are skipped (and say so).
 * A resumed run passes what happened before it: a stopping failure, and earlier steps' data.
 *
 * An interrupt (deps.signal) stops the run: the step it cut short (which stops its per-object
 * work and throws StepFailure with what it did) and the steps after it get no result entry, so
 * `drp resume` re-plans and runs them; one `interrupted` entry records what the cut step had done
 * and which steps did not run. A step that ignores the signal finishes, and the run stops after it.
 */
export async function applySteps(
  planned: PlannedStep[],
  deps: ApplyDeps,
  before: { stoppedBy?: string; results?: Map<string, unknown> } = {},
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const results = new Map(before.results);
  let stoppedBy = before.stoppedBy;
  for (const [index, step] of planned.entries()) {
    if (deps.signal?.aborted) {
      await recordInterrupt(deps, undefined, planned.slice(index), reports);
      break;
    }
    // Each step sees a snapshot of what the steps before it completed (StepContext.results).
    const contextFor = (s: PreparedStep) => ({
      ...deps.contextFor(s),
      results: new Map(results),
      run: {
        journalId: deps.journal.journalId,
        head: () => ({ hash: deps.journal.headHash, entries: deps.journal.entryCount }),
        steps: reports.map((r) => ({ id: r.id, type: r.type, outcome: r.outcome, changes: r.changes })),
      },
    });
    const report = stoppedBy
      ? await skip(step, `step "${stoppedBy}" failed and has onError: stop`, deps)
      : step.declined
        ? await skip(step, step.declined, deps)
        : await applyOne(step, { ...deps, contextFor });
    if (report.outcome === 'interrupted') {
      await recordInterrupt(deps, report, planned.slice(index + 1), reports);
      break;
    }
    reports.push(report);
    deps.onStepDone?.(report, index);
    // A step that failed part-way passes on what it did get (a partial scan's findings are findings).
    if (report.outcome === 'applied' || report.outcome === 'nothing-to-do' || report.data !== undefined)
      results.set(step.id, report.data);
    if (report.outcome === 'failed' && step.onError === 'stop') stoppedBy ??= step.id;
  }
  return reports;
}

/**
 * The `interrupted` entry: which signal, the step it cut short with what that step did (changes,
 * request ids, data such as its closed manifest), and the steps that did not run.
 */
async function recordInterrupt(
  deps: ApplyDeps,
  cut: StepReport | undefined,
  notRun: PlannedStep[],
  reports: StepReport[],
): Promise<void> {
  const stop = interruptedBy(deps.signal!);
  await deps.journal.append('interrupted', {
    signal: stop.signal,
    ...(cut
      ? {
          stepId: cut.id,
          stepType: cut.type,
          changes: cut.changes,
          requestIds: cut.requestIds,
          ...(cut.data !== undefined ? { data: cut.data } : {}),
          ...(cut.notes.length ? { notes: cut.notes } : {}),
          ...(cut.error ? { error: cut.error } : {}),
        }
      : {}),
    notRun: notRun.map((s) => s.id),
  });
  if (cut) reports.push(cut);
  for (const step of notRun)
    reports.push({
      id: step.id,
      type: step.type,
      outcome: 'not-run',
      changes: [],
      notes: [],
      requestIds: [],
      reason: 'the run was interrupted before this step',
    });
}

async function skip(step: PlannedStep, reason: string, deps: ApplyDeps): Promise<StepReport> {
  const base = { stepId: step.id, stepType: step.type };
  await deps.journal.append(deps.closeWith ?? 'result', { ...base, outcome: 'skipped', reason });
  return { id: step.id, type: step.type, outcome: 'skipped', changes: [], notes: [], requestIds: [], reason };
}

async function applyOne(step: PlannedStep, deps: ApplyDeps): Promise<StepReport> {
  const { journal, contextFor, log } = deps;
  const close = deps.closeWith ?? 'result';
  const base = { stepId: step.id, stepType: step.type };
  const report: StepReport = {
    id: step.id,
    type: step.type,
    outcome: 'failed',
    changes: [],
    notes: step.plan?.notes ?? [],
    requestIds: [],
  };
  if (!step.plan) {
    report.error = errorOf(step.planError);
    await journal.append(close, { ...base, outcome: 'failed', phase: 'plan', error: report.error });
    return report;
  }
  await journal.append('intent', { ...base, params: step.params, plan: step.plan });
  if (step.plan.notApplicable !== undefined) {
    const reason = step.plan.notApplicable;
    await journal.append(close, { ...base, outcome: 'not-applicable', reason, changes: [], requestIds: [] });
    return { ...report, outcome: 'not-applicable', reason };
  }
  if (step.plan.changes.length === 0) {
    await journal.append(close, { ...base, outcome: 'nothing-to-do', changes: [], requestIds: [] });
    return { ...report, outcome: 'nothing-to-do' };
  }
  try {
    const applied = await step.definition.apply(contextFor(step), step.params, step.plan);
    if (applied.notApplicable !== undefined && applied.changes.length === 0) {
      const reason = applied.notApplicable;
      await journal.append(close, {
        ...base,
        outcome: 'not-applicable',
        reason,
        changes: [],
        requestIds: [],
        ...(applied.data !== undefined ? { data: applied.data } : {}),
        ...(applied.notes?.length ? { notes: applied.notes } : {}),
      });
      return {
        ...report,
        outcome: 'not-applicable',
        reason,
        notes: [...report.notes, ...(applied.notes ?? [])],
        ...(applied.data !== undefined ? { data: applied.data } : {}),
      };
    }
    const outcome: Outcome = applied.changes.length ? 'applied' : 'nothing-to-do';
    const requestIds = applied.requestIds.slice(0, MAX_REQUEST_IDS);
    await journal.append(close, {
      ...base,
      outcome,
      changes: applied.changes,
      requestIds,
      ...(applied.requestIds.length > requestIds.length ? { requestIdCount: applied.requestIds.length } : {}),
      ...(applied.data !== undefined ? { data: applied.data } : {}),
      ...(applied.notes?.length ? { notes: applied.notes } : {}),
    });
    return {
      ...report,
      outcome,
      changes: applied.changes,
      requestIds,
      notes: [...report.notes, ...(applied.notes ?? [])],
      ...(applied.data !== undefined ? { data: applied.data } : {}),
    };
  } catch (err) {
    const cause = err instanceof StepFailure ? err.cause : err;
    const partial = err instanceof StepFailure ? err.partial : undefined;
    const interrupted = deps.signal?.aborted === true;
    if (!interrupted) logFailure(log, 'error', { step: step.id }, err, 'step failed');
    // An interrupt is not the step's error; another failure that raced it is kept.
    if (!(cause instanceof Interrupted)) report.error = errorOf(cause);
    report.changes = partial?.changes ?? [];
    report.requestIds = (partial?.requestIds ?? []).slice(0, MAX_REQUEST_IDS);
    report.notes = [...report.notes, ...(partial?.notes ?? [])];
    if (partial?.data !== undefined) report.data = partial.data;
    // Journaled by applySteps in the `interrupted` entry: no result, so resume runs it again.
    if (interrupted) return { ...report, outcome: 'interrupted' };
    await journal.append(close, {
      ...base,
      outcome: 'failed',
      phase: 'apply',
      error: report.error,
      changes: report.changes,
      requestIds: report.requestIds,
      ...(partial?.data !== undefined ? { data: partial.data } : {}),
      ...(partial?.notes?.length ? { notes: partial.notes } : {}),
    });
    return report;
  }
}

export function runOutcome(reports: StepReport[]): RunOutcome {
  if (reports.some((r) => r.outcome === 'interrupted' || r.outcome === 'not-run')) return 'interrupted';
  return reports.some((r) => r.outcome === 'failed') ? 'failed' : 'completed';
}
