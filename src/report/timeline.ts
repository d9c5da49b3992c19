import type { Entry } from '../journal/entry.js';
import { changesOf, errorText, num, obj, str, strings, type ChangeView } from './fields.js';

/**
 * What became of a step. `planned`: a dry-run or declined run journaled its plan only.
 * `no-result`: an intent with no result after it, the run stopped during this step.
 * `interrupted`: Ctrl-C stopped the run in this step (an `interrupted` entry says what it had done),
 * or the run was cut off in it and a `drp resume` followed; a resume runs it again (a later row).
 */
export type StepOutcome =
  | 'applied'
  | 'nothing-to-do'
  | 'not-applicable'
  | 'failed'
  | 'skipped'
  | 'planned'
  | 'no-result'
  | 'interrupted';

export interface TimelineStep {
  stepId: string;
  stepType: string;
  outcome: StepOutcome;
  /** The intent (or plan, or lone result) time: UTC ISO. */
  start: string;
  /** The result time. */
  end?: string;
  durationMs?: number;
  /** From the run's start (genesis) to this step's result: "time to this control". */
  sinceStartMs?: number;
  /** What the plan said it would change. */
  planned: ChangeView[];
  /** What the result says was changed (for a failed step: what was done before the failure). */
  changes: ChangeView[];
  requestIds: string[];
  /** How many request ids there were in all (the journal keeps the first 50). */
  requestIdCount: number;
  /** `plan` when the step could not even be planned. */
  phase?: string;
  error?: string;
  /** Why it was skipped. */
  reason?: string;
  notes: string[];
  /** The result's step data (counts, ids of things made), for findings like scan counts. */
  data?: unknown;
}

const uniq = (xs: string[]) => [...new Set(xs)];

function newStep(e: Entry, outcome: StepOutcome): TimelineStep {
  const plan = obj(e.plan);
  const error = errorText(e.error);
  return {
    stepId: str(e.stepId) ?? '?',
    stepType: str(e.stepType) ?? '?',
    outcome: outcome === 'planned' && error ? 'failed' : outcome,
    start: e.time,
    planned: changesOf(plan?.changes),
    changes: [],
    requestIds: [],
    requestIdCount: 0,
    notes: strings(plan?.notes),
    ...(error ? { error, phase: 'plan' } : {}),
  };
}

function closeStep(step: TimelineStep, e: Entry, runStart: number): void {
  const outcome = str(e.outcome);
  step.outcome =
    (['applied', 'nothing-to-do', 'not-applicable', 'failed', 'skipped'] as const).find(
      (o) => o === outcome,
    ) ?? 'failed';
  step.end = e.time;
  // Times are the writer's own ISO strings; a hand-made journal's odd ones just get no duration.
  const ms = (n: number) => (Number.isFinite(n) ? n : undefined);
  step.durationMs = ms(Date.parse(e.time) - Date.parse(step.start));
  step.sinceStartMs = ms(Date.parse(e.time) - runStart);
  step.changes = changesOf(e.changes);
  const error = obj(e.error);
  step.requestIds = uniq([
    ...strings(e.requestIds),
    ...(str(error?.requestId) ? [str(error?.requestId)!] : []),
  ]);
  step.requestIdCount = Math.max(num(e.requestIdCount) ?? 0, step.requestIds.length);
  step.notes = uniq([...step.notes, ...strings(e.notes)]);
  const text = errorText(e.error);
  if (text) step.error = text;
  if (str(e.phase)) step.phase = str(e.phase);
  if (str(e.reason)) step.reason = str(e.reason);
  if (e.data !== undefined) step.data = e.data;
}

/** A `resume` entry: the run stopped early and `drp resume` continued its journal. */
export interface ResumeEvent {
  time: string;
  callerArn?: string;
  done: string[];
  remaining: string[];
  /** Where the torn last line of the interrupted run was kept, beside the journal. */
  tornTail?: { file: string; size?: number; sha256?: string };
}

function resumeOf(e: Entry): ResumeEvent {
  const torn = obj(e.tornTail);
  const file = str(torn?.file);
  return {
    time: e.time,
    callerArn: str(obj(e.caller)?.arn),
    done: strings(e.done),
    remaining: strings(e.remaining),
    ...(file ? { tornTail: { file, size: num(torn?.size), sha256: str(torn?.sha256) } } : {}),
  };
}

/** An `interrupted` entry: Ctrl-C or SIGTERM stopped the run cleanly. */
export interface InterruptEvent {
  time: string;
  signal?: string;
  stepId?: string;
  /** Steps that had not started. */
  notRun: string[];
}

export interface Timeline {
  steps: TimelineStep[];
  resumes: ResumeEvent[];
  interrupts: InterruptEvent[];
  /** For each artefact entry (by seq): the step that was running when it was journaled. */
  artefactSteps: Map<number, string>;
}

/** Intent/result/plan entries, in journal order, as one row per step. */
export function buildTimeline(entries: Entry[]): Timeline {
  const steps: TimelineStep[] = [];
  const open = new Map<string, TimelineStep>();
  const artefactSteps = new Map<number, string>();
  const resumes: ResumeEvent[] = [];
  const interrupts: InterruptEvent[] = [];
  const runStart = Date.parse(entries[0]?.time ?? '');
  for (const e of entries) {
    const stepId = str(e.stepId) ?? '?';
    if (e.type === 'plan') steps.push(newStep(e, 'planned'));
    else if (e.type === 'intent') {
      const step = newStep(e, 'no-result');
      steps.push(step);
      open.set(stepId, step);
    } else if (e.type === 'result' || e.type === 'restore') {
      // A skipped step, or one that failed to plan, has a result and no intent. A restore journal
      // closes each action's intent with a `restore` entry instead of a result.
      let step = open.get(stepId);
      if (!step) steps.push((step = newStep(e, 'no-result')));
      open.delete(stepId);
      closeStep(step, e, runStart);
    } else if (e.type === 'interrupted') {
      // What the cut step did (its partial) closes its row; resume gives it a new one.
      const step = str(e.stepId) ? open.get(stepId) : undefined;
      if (step) {
        closeStep(step, e, runStart);
        step.outcome = 'interrupted';
        open.delete(stepId);
      }
      interrupts.push({
        time: e.time,
        signal: str(e.signal),
        stepId: str(e.stepId),
        notRun: strings(e.notRun),
      });
    } else if (e.type === 'resume') {
      // `drp resume` continued the journal: what was running when the run stopped is planned and
      // applied again after it, in a row of its own.
      for (const step of open.values()) step.outcome = 'interrupted';
      open.clear();
      resumes.push(resumeOf(e));
    } else if (e.type === 'artefact') {
      const running = [...open.values()].at(-1);
      if (running) artefactSteps.set(e.seq, running.stepId);
    }
  }
  return { steps, resumes, interrupts, artefactSteps };
}
