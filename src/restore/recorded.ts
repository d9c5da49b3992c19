import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Entry } from '../journal/entry.js';
import { JournalInvalid, verifyJournal } from '../journal/verify.js';
import type { RecordedIdentities } from '../runbook/journal-identities.js';
import type { Plan, Recorded, RecordedResult } from '../steps/define.js';

/** What restore needs from the run's genesis. */
export interface RunGenesis {
  incidentId: string;
  command?: string;
  dryRun: boolean;
  region: string;
  caller: { accountId: string };
  /** Each identity the run acted through (absent in journals from before drp acted as several). */
  identities?: RecordedIdentities;
  exemptPrincipals: string[];
  evidenceBucket?: string;
  /** The run's detection time (the start of GDPR's 72 hours), and whether a person gave it. */
  detectedAt?: string;
  detectedAtGiven?: boolean;
}

/** One step of the run that may have changed something: its first intent and its last result. */
export interface RecordedStep {
  id: string;
  type: string;
  params: unknown;
  /** The first intent's plan: with a resumed run, the later intent sees drp's own earlier changes. */
  plan: Plan;
  result?: RecordedResult;
  /** An intent without a result: the run was cut off in this step. */
  interrupted: boolean;
  /** An attempt was cut off and the step re-planned by drp resume: the first attempt may have changed things. */
  resumed: boolean;
}

export interface RecordedRun {
  path: string;
  dir: string;
  genesis: RunGenesis;
  journalId: string;
  /** The hash the chain ends with (what a next entry's prev would be): the restore journal links to it. */
  head: string;
  sealed: boolean;
  /** Sealed at an interrupt (Ctrl-C): the run did not finish; `drp resume` would continue it. */
  stoppedByInterrupt: boolean;
  entries: number;
  /** Every step that ran (had an intent), in the run's order. */
  steps: RecordedStep[];
  /** Steps that had a plan but changed nothing (nothing-to-do, skipped, failed before any change). */
  unchanged: { id: string; type: string; outcome: string }[];
  artefact: Recorded['artefact'];
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(`<journal>: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/**
 * Whether the step may have changed something. A resumed step counts even when its last result
 * is nothing-to-do: that re-plan found the changes its cut-off first attempt had already made.
 */
const changedSomething = (s: RecordedStep) =>
  s.interrupted ||
  s.resumed ||
  s.result?.outcome === 'applied' ||
  (s.result?.outcome === 'failed' && s.result.changes.length > 0);

function collectSteps(entries: Entry[]) {
  const steps = new Map<string, RecordedStep>();
  const outcomes = new Map<string, { type: string; outcome: string }>();
  for (const e of entries) {
    if (typeof e.stepId !== 'string') continue;
    const id = e.stepId;
    const seen = steps.get(id);
    if (e.type === 'intent' && seen)
      Object.assign(seen, { resumed: seen.resumed || seen.interrupted, interrupted: true });
    if (e.type === 'intent' && !seen)
      steps.set(id, {
        id,
        type: String(e.stepType),
        params: e.params,
        plan: e.plan as Plan,
        interrupted: true,
        resumed: false,
      });
    // Ctrl-C cut this step: its interrupted entry says what it did (the holds placed and their
    // manifest), which is what a restore undoes; it stays `interrupted` (it may be half done).
    if (e.type === 'interrupted') {
      const step = steps.get(id);
      if (step)
        step.result = {
          outcome: 'failed',
          changes: (e.changes as RecordedResult['changes']) ?? [],
          ...(e.data !== undefined ? { data: e.data } : {}),
        };
      continue;
    }
    if (e.type !== 'result') continue;
    outcomes.set(id, { type: String(e.stepType), outcome: String(e.outcome) });
    const step = steps.get(id);
    if (!step) continue;
    step.interrupted = false;
    step.result = {
      outcome: e.outcome as RecordedResult['outcome'],
      changes: (e.changes as RecordedResult['changes']) ?? [],
      ...(e.data !== undefined ? { data: e.data } : {}),
    };
  }
  const all = [...steps.values()];
  return {
    steps: all.filter(changedSomething),
    unchanged: [...outcomes]
      .filter(([id]) => !all.some((s) => s.id === id && changedSomething(s)))
      .map(([id, o]) => ({ id, ...o })),
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Reads an artefact of the run only when the journal names it with that SHA-256 and the file
 * still has it: a restore never acts on a manifest edited since the run (it would release holds
 * drp did not place).
 */
export function artefactReader(dir: string, entries: Entry[]): Recorded['artefact'] {
  const journaled = new Map(
    entries.filter((e) => e.type === 'artefact').map((e) => [String(e.path), String(e.sha256)]),
  );
  return async ({ path, sha256 }) => {
    if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
      throw new Error(`artefact ${path} is outside the evidence directory: not reading it`);
    if (journaled.get(path) !== sha256)
      throw new Error(
        `artefact ${path} with SHA-256 ${sha256} is not journaled by the run: not acting on it`,
      );
    const file = join(dir, path);
    const actual = await sha256File(file).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`artefact ${path} cannot be read (${err.code ?? err.message}): not acting on it`);
    });
    if (actual !== sha256)
      throw new Error(
        `artefact ${path} changed since the run wrote it (SHA-256 ${actual}, journaled ${sha256}): not acting on it`,
      );
    return file;
  };
}

/**
 * The run a restore undoes, from its journal. A journal that fails verification is refused (exit 1,
 * naming the line); one that is only unsealed (a run cut short) is read up to its last good line.
 */
export function readRun(path: string): RecordedRun {
  const verification = verifyJournal(readBytes(path));
  if (!verification.ok && !verification.interrupted) {
    const { line, reason } = verification.failure!;
    throw new JournalInvalid(`${path}:${line}: ${reason}; drp restores only a journal that verifies`);
  }
  const { entries } = verification;
  const genesis = entries[0] as Entry & RunGenesis;
  if (genesis.command === 'restore')
    throw new UserError(
      `${path} is the journal of a restore, not of a run: pass the journal of the run to undo`,
    );
  const dir = dirname(resolve(path));
  return {
    path,
    dir,
    genesis,
    journalId: verification.head!.journalId,
    head: verification.head!.prev,
    sealed: verification.sealed,
    stoppedByInterrupt: verification.stoppedByInterrupt,
    entries: entries.length,
    ...collectSteps(entries),
    artefact: artefactReader(dir, entries),
  };
}
