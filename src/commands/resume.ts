import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { interruptedBy, UserError } from '../errors.js';
import { drpCommand } from '../invocation.js';
import type { StoredArtefact } from '../journal/artefacts.js';
import { journalPathOf } from '../journal/locate.js';
import type { ArtefactRef, Entry } from '../journal/entry.js';
import { acquireIncidentLock, acquireLock } from '../journal/lock.js';
import { moveTornTail } from '../journal/torn.js';
import { JournalInvalid, verifyJournal, type Verification } from '../journal/verify.js';
import { JournalWriter } from '../journal/writer.js';
import { changeCount, renderPlan } from '../output/render.js';
import { applySteps, planSteps, runOutcome, type RunReport, type StepReport } from '../runbook/execute.js';
import { loadRunbook } from '../runbook/load.js';
import type { ParamValue } from '../runbook/schema.js';
import { identitiesUsed } from '../runbook/acting.js';
import {
  accountsFromJournal,
  checkSameAccounts,
  recordIdentities,
  type RecordedIdentities,
} from '../runbook/journal-identities.js';
import { openSession, type Session } from '../runbook/session.js';
import { findStep } from '../steps/index.js';
import { identityOptions } from './accounts.js';
import type { Signer } from '../journal/signer.js';
import type { CommandEnv, CommandResult } from './env.js';
import { anchorSealedRun, wantsAnchor, withAnchor } from './anchor.js';
import { liveRunsHint } from './live-runs.js';
import { countOutcomes, result } from './run-summary.js';
import { loadSigner, type SigningOptions } from './signing.js';

export interface ResumeOptions extends SigningOptions {
  yes: boolean;
  concurrency: number;
  /** --workers: threads for per-version work; default one per core. */
  workers?: number;
}

interface Genesis {
  incidentId: string;
  command?: string;
  dryRun: boolean;
  runbook: { name: string; path: string; sha256: string };
  params: Record<string, ParamValue>;
  exemptPrincipals: string[];
  evidenceBucket?: string;
  caller: { accountId: string };
  identities?: RecordedIdentities;
  operator?: string;
  signer: { fingerprint: string };
}

function readJournal(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(`<journal>: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** The step reports the journal already holds: each step's last result. */
function finishedSteps(entries: Entry[]): Map<string, StepReport> {
  const done = new Map<string, StepReport>();
  for (const e of entries) {
    if (e.type !== 'result' || typeof e.stepId !== 'string') continue;
    done.set(e.stepId, {
      id: e.stepId,
      type: String(e.stepType),
      outcome: e.outcome as StepReport['outcome'],
      changes: (e.changes as StepReport['changes']) ?? [],
      notes: (e.notes as string[]) ?? [],
      requestIds: (e.requestIds as string[]) ?? [],
      ...(e.error ? { error: e.error as StepReport['error'] } : {}),
      ...(e.reason ? { reason: String(e.reason) } : {}),
      ...(e.data !== undefined ? { data: e.data } : {}),
    });
  }
  return done;
}

function check(verification: Verification, journalPath: string, signerFingerprint: string): Genesis {
  if (!verification.interrupted && !verification.stoppedByInterrupt) {
    const { line, reason } = verification.failure!;
    throw new JournalInvalid(
      `${journalPath}:${line}: ${reason}; drp will not continue a journal that fails verification`,
    );
  }
  const genesis = verification.entries[0] as Entry & Genesis;
  if (genesis.signer.fingerprint !== signerFingerprint) {
    throw new UserError(
      `--key: this journal is signed by key ${genesis.signer.fingerprint}; resume must sign with the same key (this one is ${signerFingerprint})`,
    );
  }
  if (genesis.dryRun)
    throw new UserError(
      `${journalPath} is a dry-run's journal: it changed nothing, so there is nothing to resume; ${liveRunsHint(journalPath, genesis.incidentId)}`,
    );
  return genesis;
}

/**
 * `drp resume <journal>`: finish a run that was cut short. Steps with a result are done; the step
 * with an intent but no result is planned again from the live state (steps are idempotent, so
 * holds already placed are skipped); the rest run. The same key signs, so the whole verifies as
 * one journal.
 */
export async function resume(given: string, opts: ResumeOptions, env: CommandEnv): Promise<CommandResult> {
  const journalPath = journalPathOf(given);
  readJournal(journalPath); // a journal that is not there is a usage error, before a lock is made beside it
  // Locked before it is read: a journal another drp is still writing may end in a half-written
  // line, which must not be verified, let alone moved aside, while that run goes on.
  const release = acquireLock(journalPath);
  try {
    return await resumeLocked(journalPath, opts, env, release);
  } finally {
    release();
  }
}

async function resumeLocked(
  journalPath: string,
  opts: ResumeOptions,
  env: CommandEnv,
  lock: () => void,
): Promise<CommandResult> {
  const verification = verifyJournal(readJournal(journalPath));
  if (verification.ok && !verification.stoppedByInterrupt)
    return {
      exitCode: 0,
      text: `${journalPath} is sealed: the run finished; nothing to resume.`,
      json: { resumed: false, sealed: true },
    };
  if (!opts.yes && !env.stdinIsTTY) {
    throw new UserError('refusing to change AWS without confirmation: stdin is not a terminal. Pass --yes.');
  }
  const signer = await loadSigner(opts, env);
  const genesis = check(verification, journalPath, signer.fingerprint);
  const loaded = loadRunbook(genesis.runbook.path);
  if (loaded.sha256 !== genesis.runbook.sha256) {
    throw new UserError(
      `${genesis.runbook.path} changed since the run started (SHA-256 differs from the journal's); restore it to resume`,
    );
  }
  // The run's identities, as its genesis records them: the same roles, checked against any given.
  const used = identitiesUsed(loaded.runbook.steps.map((s) => ({ definition: findStep(s.type)! })));
  const access = await identityOptions(env, genesis.operator);
  const accounts = accountsFromJournal(
    genesis.identities,
    access.accounts ?? { roles: {} },
    used,
    journalPath,
  );
  const evidenceRegion = genesis.identities?.evidence?.region;
  const session = await openSession(
    loaded,
    { resolved: genesis.params },
    {
      aws: { ...env.aws, concurrency: opts.concurrency },
      ...access,
      accounts,
      ...(evidenceRegion ? { evidenceRegion } : {}),
      incidentId: genesis.incidentId,
      exemptPrincipals: genesis.exemptPrincipals,
      concurrency: opts.concurrency,
      ...(opts.workers ? { workers: opts.workers } : {}),
      evidenceDir: dirname(journalPath),
      evidenceBucket: genesis.evidenceBucket,
      writable: true,
      log: env.log,
      progress: env.progress,
      now: env.now,
      signal: env.interrupts?.signal,
    },
  );
  checkSameAccounts(genesis.identities, genesis.caller.accountId, session.identities, session.used);
  const releaseIncident = acquireIncidentLock(session.evidenceDir, session.incidentId);
  try {
    return await continueRun({ journalPath, verification, genesis, session, signer, lock }, opts, env);
  } finally {
    releaseIncident();
  }
}

/** The journal checked and locked, the session open: plan what is left, ask, apply, seal. */
interface Resumable {
  journalPath: string;
  verification: Verification;
  genesis: Genesis;
  session: Session;
  signer: Signer;
  /** The release of the journal lock taken before it was read. */
  lock: () => void;
}

async function continueRun(r: Resumable, opts: ResumeOptions, env: CommandEnv): Promise<CommandResult> {
  const state = { applying: false };
  const unguard =
    env.interrupts?.guard({
      first: () =>
        state.applying
          ? 'Interrupt received: finishing the calls in flight, then recording them and sealing the journal. Press Ctrl-C again to force exit.'
          : 'Interrupt received: stopping before any change.',
      forced: () =>
        `drp: forced exit: the journal is valid up to its last entry; resume it again with: ${drpCommand('resume', r.journalPath)}`,
    }) ?? (() => {});
  try {
    return await continueGuarded(r, opts, env, state);
  } finally {
    unguard();
  }
}

async function continueGuarded(
  r: Resumable,
  opts: ResumeOptions,
  env: CommandEnv,
  state: { applying: boolean },
): Promise<CommandResult> {
  const { journalPath, verification, genesis, session, signer, lock } = r;
  const signal = env.interrupts?.signal;
  const done = finishedSteps(verification.entries);
  const remaining = session.steps.filter((s) => !done.has(s.id));
  const stoppedBy = session.steps.find(
    (s) => s.onError === 'stop' && done.get(s.id)?.outcome === 'failed',
  )?.id;
  const planned = await planSteps(remaining, (step) => session.contextFor(step, 'plan'), env.log);

  env.say(
    `Resuming ${genesis.incidentId}: ${done.size} step(s) done, ${remaining.length} to go.\n\nPlan:\n${renderPlan(planned)}\n`,
  );
  if (
    signal?.aborted ||
    (!opts.yes &&
      !(await env.confirm(`Apply ${changeCount(planned)} change(s) to account ${session.caller.accountId}?`)))
  ) {
    return {
      exitCode: 1,
      text: `Declined: nothing was changed; the journal is as it was (resume it later: ${drpCommand('resume', journalPath)}).`,
      json: { resumed: false, declined: true },
    };
  }
  state.applying = true;
  const torn = moveTornTail(journalPath, env.now?.() ?? new Date());
  const journal = JournalWriter.continue(dirname(journalPath), signer, verification.head!, env.now, lock);
  try {
    await journal.append('resume', {
      previousEntries: verification.entries.length,
      done: [...done.keys()],
      remaining: remaining.map((s) => s.id),
      caller: session.caller,
      identities: recordIdentities(session.identities, session.used),
      ...(torn ? { tornTail: torn } : {}),
    });
    const applied = await applySteps(
      planned,
      {
        journal,
        contextFor: (step) => session.contextFor(step, 'apply', journal.artefacts),
        log: env.log,
        signal,
      },
      { stoppedBy, results: new Map([...done].map(([id, r]) => [id, r.data])) },
    );
    const steps = session.steps.map((s) => done.get(s.id) ?? applied.find((r) => r.id === s.id)!);
    const report: RunReport = { outcome: runOutcome(steps), steps };
    if (report.outcome === 'interrupted') report.interrupt = interruptedBy(signal!).signal;
    await journal.seal({ outcome: report.outcome, counts: countOutcomes(report), resumed: true });
    const summary = result(report, journal.path, session, { dryRun: false, command: genesis.command }, env);
    if (!wantsAnchor(false, session.steps)) return summary;
    // The whole journal is anchored, with the artefacts its earlier runs wrote (the legal-hold
    // manifest of the interrupted attempt too): the evidence bucket may not have existed then.
    const anchor = await anchorSealedRun({
      report,
      journal,
      signer,
      incidentId: genesis.incidentId,
      evidenceBucket: session.evidenceBucket,
      aws: { ...session.settingsOf('evidence'), concurrency: opts.concurrency },
      log: env.log,
      earlierArtefacts: storedArtefacts(dirname(journalPath), verification.entries, env.notice),
    });
    return withAnchor(summary, anchor, journal.path);
  } finally {
    journal.close();
  }
}

/**
 * The artefacts a journal's entries record, with where they are on this machine. One whose file is
 * not beside the journal (a journal copied without its artefacts/) is named and left out of the
 * anchor: its SHA-256 stays in the journal, which is anchored whole.
 */
function storedArtefacts(dir: string, entries: Entry[], notice: (text: string) => void): StoredArtefact[] {
  const recorded = entries
    .filter((e) => e.type === 'artefact' && typeof e.path === 'string')
    .map((e) => {
      const ref = e as unknown as ArtefactRef;
      return { ...ref, file: resolve(dir, ref.path) };
    });
  const missing = recorded.filter((a) => !existsSync(a.file));
  if (missing.length)
    notice(
      `drp: not anchored, their files are not beside the journal (their SHA-256 is in it): ${missing.map((a) => a.path).join(', ')}`,
    );
  return recorded.filter((a) => existsSync(a.file));
}
