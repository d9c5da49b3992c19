import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { interruptedBy, SIGNAL_EXIT, UserError } from '../errors.js';
import { drpCommand } from '../invocation.js';
import type { Signer } from '../journal/signer.js';
import { acquireIncidentLock } from '../journal/lock.js';
import { JournalWriter } from '../journal/writer.js';
import { changeCount, renderHeader, renderPlan } from '../output/render.js';
import { applySteps, planSteps, recordPlans, runOutcome, type RunReport } from '../runbook/execute.js';
import { loadRunbook, type LoadedRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import { openSession, type Session } from '../runbook/session.js';
import { PrincipalArn } from '../names.js';
import { currentOsUser } from '../os-user.js';
import { VERSION } from '../version.js';
import { anchorSealedRun, wantsAnchor, withAnchor } from './anchor.js';
import { checkDetectedAt, detectionTime, type DetectionTime } from './clock.js';
import type { CommandEnv, CommandResult } from './env.js';
import { describeUnfinished, findUnfinishedRun } from './live-runs.js';
import { countOutcomes, result } from './run-summary.js';
import { loadSigner, type SigningOptions } from './signing.js';

export interface RunOptions extends SigningOptions {
  /** A file path or bundled name, or a runbook the caller already loaded. */
  runbook: string | LoadedRunbook;
  params: GivenParam[];
  dryRun: boolean;
  yes: boolean;
  evidenceDir?: string;
  evidenceBucket?: string;
  /** --detected-at: when the incident was detected (GDPR's 72 hours run from here); default the run's start. */
  detectedAt?: string;
  exemptPrincipals: string[];
  concurrency: number;
  operator?: string;
  /** The command that started the run, for the journal: run, contain, scan, ... */
  command: string;
}

export function checkOptions(
  opts: Pick<RunOptions, 'dryRun' | 'yes' | 'detectedAt' | 'exemptPrincipals'>,
  env: CommandEnv,
): void {
  if (!opts.dryRun && !opts.yes && !env.stdinIsTTY) {
    throw new UserError(
      'refusing to change AWS without confirmation: stdin is not a terminal. Review the plan with --dry-run, then pass --yes.',
    );
  }
  if (opts.detectedAt !== undefined) checkDetectedAt(opts.detectedAt, env.now?.() ?? new Date());
  for (const arn of opts.exemptPrincipals) {
    const check = PrincipalArn.safeParse(arn);
    if (!check.success) throw new UserError(`--exempt-principal ${arn}: ${check.error.issues[0]?.message}`);
  }
}

export { checkDetectedAt };

function genesis(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  detection: DetectionTime,
) {
  const osUser = currentOsUser();
  return {
    tool: { name: 'drp', version: VERSION },
    node: process.version,
    command: opts.command,
    incidentId: session.incidentId,
    runbook: { name: loaded.runbook.name, path: resolve(loaded.path), sha256: loaded.sha256 },
    params: session.params,
    dryRun: opts.dryRun,
    caller: {
      arn: session.caller.arn,
      accountId: session.caller.accountId,
      principalArn: session.caller.principalArn,
    },
    exemptPrincipals: session.exemptPrincipals,
    region: session.region,
    evidenceBucket: session.evidenceBucket,
    detectedAt: detection.detectedAt,
    // false: nobody said when; the run's start stands in, and the report says the clock is late.
    detectedAtGiven: detection.given,
    host: hostname(),
    osUser,
    operator: opts.operator ?? osUser,
    signer: {
      algorithm: signer.algorithm,
      publicKeyPem: signer.publicKeyPem,
      fingerprint: signer.fingerprint,
      keyRef: signer.keyRef,
    },
  };
}

/**
 * `drp run` and everything built on it (contain, scan, ...): plan every step read-only, show the
 * plan, ask, then apply in order, journaling each intent before its AWS call. A dry-run stops
 * after the plan, and its journal says so.
 */
export async function runRunbook(opts: RunOptions, env: CommandEnv): Promise<CommandResult> {
  const startedAt = env.now?.() ?? new Date();
  checkOptions(opts, env);
  const loaded = typeof opts.runbook === 'string' ? loadRunbook(opts.runbook) : opts.runbook;
  // Asked before anything else happens, on a terminal, for a live run the operator confirms.
  const detection = await detectionTime(opts.detectedAt, startedAt, env, !opts.dryRun && !opts.yes);
  const signer = await loadSigner(opts, env);
  const session = await openSession(loaded, opts.params, {
    aws: { ...env.aws, concurrency: opts.concurrency },
    incidentId: env.incidentId,
    exemptPrincipals: opts.exemptPrincipals,
    concurrency: opts.concurrency,
    evidenceDir: opts.evidenceDir,
    evidenceBucket: opts.evidenceBucket,
    dryRun: opts.dryRun,
    writable: !opts.dryRun,
    log: env.log,
    progress: env.progress,
    now: env.now,
    signal: env.interrupts?.signal,
  });
  const resumed =
    opts.dryRun || opts.evidenceDir ? undefined : await offerResume(session.incidentId, opts, env);
  if (resumed) return resumed;
  // Before anything is planned: a second run of this incident now would race the first.
  const releaseIncident = opts.dryRun
    ? () => {}
    : acquireIncidentLock(session.evidenceDir, session.incidentId);
  try {
    return await planAndApply(loaded, session, signer, opts, env, detection);
  } finally {
    releaseIncident();
  }
}

/**
 * A re-run of an incident whose last run was interrupted (or cut short) would start run-N/ beside
 * it and leave the first unsealed or half done: it says so and offers `drp resume` of that run
 * instead. Without a terminal to ask on, it refuses (exit 2) with the command that resumes.
 */
async function offerResume(
  incidentId: string,
  opts: RunOptions,
  env: CommandEnv,
): Promise<CommandResult | undefined> {
  const run = findUnfinishedRun(join('evidence', incidentId));
  if (!run) return undefined;
  const what = describeUnfinished(run, incidentId);
  if (!env.stdinIsTTY || opts.yes)
    throw new UserError(`${what}; to start a separate run anyway, pass --evidence-dir with a new directory`);
  env.notice(`drp: ${what}`);
  if (!(await env.confirm('Resume that run instead of starting a new one?'))) {
    env.notice('drp: starting a new run beside it; the unfinished one stays as it is.');
    return undefined;
  }
  const { resume } = await import('./resume.js');
  const signing = { keyPath: opts.keyPath, kmsKeyId: opts.kmsKeyId };
  return resume(run.journal, { yes: false, concurrency: opts.concurrency, ...signing }, env);
}

type Phase = 'planning' | 'prompt' | 'applying' | 'sealing';

/** What Ctrl-C says in each phase of a run (the first one; the second forces the exit). */
function interruptTexts(state: { phase: Phase; journalPath?: string }) {
  return {
    first: () =>
      ({
        planning: 'Interrupt received: stopping before any change (nothing has been changed).',
        prompt: 'Interrupt received: taken as "no" (nothing has been changed).',
        applying:
          'Interrupt received: finishing the calls in flight, then recording them and sealing the journal. ' +
          'Press Ctrl-C again to force exit.',
        sealing:
          'Interrupt received: the run is already finishing; sealing the journal. Ctrl-C again forces exit.',
      })[state.phase],
    forced: () =>
      state.journalPath && state.phase !== 'planning'
        ? `drp: forced exit: the journal is valid up to its last entry, but not sealed; finish the run with: ${drpCommand('resume', state.journalPath)}`
        : 'drp: forced exit: nothing was changed.',
  };
}

async function planAndApply(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  env: CommandEnv,
  detection: DetectionTime,
): Promise<CommandResult> {
  const state: { phase: Phase; journalPath?: string } = { phase: 'planning' };
  const unguard = env.interrupts?.guard(interruptTexts(state)) ?? (() => {});
  try {
    return await guardedRun(loaded, session, signer, opts, env, detection, state);
  } finally {
    unguard();
  }
}

async function guardedRun(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  env: CommandEnv,
  detection: DetectionTime,
  state: { phase: Phase; journalPath?: string },
): Promise<CommandResult> {
  const signal = env.interrupts?.signal;
  const header = renderHeader({
    runbook: loaded.runbook.name,
    incidentId: session.incidentId,
    accountId: session.caller.accountId,
    region: session.region,
    callerArn: session.caller.arn,
    dryRun: opts.dryRun,
    detection,
  });
  const planned = await planSteps(session.steps, (step) => session.contextFor(step, 'plan'), env.log);
  if (signal?.aborted) return interruptedBeforeJournal(signal);
  const journal = JournalWriter.create(session.evidenceDir, signer, env.now);
  state.journalPath = journal.path;
  let report: RunReport;
  try {
    await journal.append('genesis', genesis(loaded, session, signer, opts, detection));
    env.say(`${header}\n\nPlan:\n${renderPlan(planned)}\n`);
    state.phase = 'prompt';
    if (opts.dryRun) {
      report = { outcome: 'dry-run', steps: await recordPlans(planned, journal) };
    } else if (
      signal?.aborted ||
      (!opts.yes &&
        !(await env.confirm(
          `Apply ${changeCount(planned)} change(s) to account ${session.caller.accountId}?`,
        )))
    ) {
      report = { outcome: 'declined', steps: await recordPlans(planned, journal) };
    } else {
      state.phase = 'applying';
      const steps = await applySteps(planned, {
        journal,
        contextFor: (step) => session.contextFor(step, 'apply', journal.artefacts),
        log: env.log,
        signal,
      });
      report = { outcome: runOutcome(steps), steps };
      if (report.outcome === 'interrupted') report.interrupt = interruptedBy(signal!).signal;
    }
    state.phase = 'sealing';
    await journal.seal({ outcome: report.outcome, counts: countOutcomes(report) });
  } finally {
    journal.close();
    if (!journal.isSealed)
      env.notice(
        `drp: the run stopped before its end; finish it with: ${drpCommand('resume', journal.path)}`,
      );
  }
  const summary = result(report, journal.path, session, opts, env);
  if (!wantsAnchor(opts.dryRun, session.steps)) return summary;
  const anchor = await anchorSealedRun({
    report,
    journal,
    signer,
    incidentId: session.incidentId,
    evidenceBucket: session.evidenceBucket,
    aws: { ...env.aws, region: session.region, concurrency: opts.concurrency },
    log: env.log,
  });
  return withAnchor(summary, anchor, journal.path);
}

function interruptedBeforeJournal(signal: AbortSignal): CommandResult {
  const stop = interruptedBy(signal);
  return {
    exitCode: SIGNAL_EXIT[stop.signal],
    text: 'Interrupted while planning: nothing was changed, and no journal was written.',
    json: { outcome: 'interrupted', interrupt: stop.signal, phase: 'plan', changed: false },
  };
}
