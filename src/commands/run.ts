import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { interruptedBy, SIGNAL_EXIT, UserError } from '../errors.js';
import { drpCommand } from '../invocation.js';
import type { Signer } from '../journal/signer.js';
import { acquireIncidentLock } from '../journal/lock.js';
import { JournalWriter } from '../journal/writer.js';
import { changeCount, renderHeader, renderPlan } from '../output/render.js';
import { estimateCost, type Estimate } from '../runbook/estimate.js';
import { estimateLines, usd } from '../runbook/estimate-text.js';
import { applySteps, planSteps, recordPlans, runOutcome, type RunReport } from '../runbook/execute.js';
import { recordIdentities } from '../runbook/journal-identities.js';
import { runPriceLookup } from '../runbook/price-list.js';
import { loadRunbook, type LoadedRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import {
  checkIncidentId,
  defaultEvidenceDir,
  newIncidentId,
  openSession,
  type Session,
} from '../runbook/session.js';
import { PrincipalArn, SnsTopicArn } from '../names.js';
import { currentOsUser } from '../os-user.js';
import { VERSION } from '../version.js';
import { headerIdentities, identityOptions } from './accounts.js';
import { anchorSealedRun, wantsAnchor, withAnchor } from './anchor.js';
import { checkDetectedAt, detectionTime, type DetectionTime } from './clock.js';
import type { CommandEnv, CommandResult } from './env.js';
import { createNotifier } from './notify.js';
import { runNotices } from './notify-run.js';
import { countOutcomes, result, withRunFacts } from './run-summary.js';
import { describeUnfinished, findUnfinishedRun } from './live-runs.js';
import { loadSigner, type SigningOptions } from './signing.js';

export { countOutcomes, result } from './run-summary.js';

export interface RunOptions extends SigningOptions {
  /** A file path or bundled name, or a runbook the caller already loaded. */
  runbook: string | LoadedRunbook;
  params: GivenParam[];
  dryRun: boolean;
  yes: boolean;
  evidenceDir?: string;
  evidenceBucket?: string;
  /** --evidence-region: default the leaked bucket's region. */
  evidenceRegion?: string;
  /** --detected-at: when the incident was detected (GDPR's 72 hours run from here); default the run's start. */
  detectedAt?: string;
  exemptPrincipals: string[];
  concurrency: number;
  /** --workers: threads for per-version work; default one per core. */
  workers?: number;
  operator?: string;
  /** The command that started the run, for the journal: run, contain, scan, ... */
  command: string;
  /** --notify-topic: SNS topics told of the approval, containment, each failure and the evidence. */
  notifyTopics?: string[];
  /** --max-cost: a plan estimated above this many USD is refused before anything changes. */
  maxCost?: number;
}

export function checkOptions(
  opts: Pick<RunOptions, 'dryRun' | 'yes' | 'detectedAt' | 'exemptPrincipals' | 'notifyTopics'>,
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
  for (const arn of opts.notifyTopics ?? []) {
    const check = SnsTopicArn.safeParse(arn);
    if (!check.success) throw new UserError(`--notify-topic ${arn}: ${check.error.issues[0]?.message}`);
  }
}

/** --max-cost: a larger plan is the operator's to narrow or allow; nothing has changed yet (exit 2). */
function checkMaxCost(maxCost: number | undefined, estimate: Estimate): void {
  if (maxCost === undefined || estimate.totalUsd <= maxCost) return;
  throw new UserError(
    `--max-cost ${maxCost}: the plan's estimated AWS cost is ${usd(estimate.totalUsd)}${estimate.atLeast ? ' or more' : ''}, over the limit; nothing was changed. Narrow the run (--prefix, --since, fewer resources) or raise --max-cost.`,
    estimate.items.map((i) => `${i.stepId}: ${usd(i.usd)} for ${i.units.toLocaleString('en-US')} ${i.what}`),
  );
}

export { checkDetectedAt };

function genesis(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  detection: DetectionTime,
  estimate: Estimate,
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
    // Each identity the run acted through (a resume or restore acts as them again), and whose
    // credentials drp was started with.
    identities: recordIdentities(session.identities, session.used),
    source: { arn: session.source.arn, accountId: session.source.accountId },
    ...(session.identityNotes.length ? { identityNotes: session.identityNotes } : {}),
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
    estimate,
    ...(opts.notifyTopics?.length ? { notifyTopics: opts.notifyTopics } : {}),
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
  const incidentId = checkIncidentId(env.incidentId ?? newIncidentId(startedAt));
  // A re-run of an incident whose last run is unfinished offers to resume that run instead.
  const resumed = opts.dryRun || opts.evidenceDir ? undefined : await offerResume(incidentId, opts, env);
  if (resumed) return resumed;
  const evidenceDir = opts.evidenceDir ?? defaultEvidenceDir(incidentId, { dryRun: opts.dryRun });
  // Before any AWS call: a second run of this incident now would race the first.
  const releaseIncident = opts.dryRun ? () => {} : acquireIncidentLock(evidenceDir, incidentId);
  try {
    const session = await openSession(loaded, opts.params, {
      aws: { ...env.aws, concurrency: opts.concurrency },
      ...(await identityOptions(env, opts.operator)),
      incidentId,
      exemptPrincipals: opts.exemptPrincipals,
      concurrency: opts.concurrency,
      ...(opts.workers ? { workers: opts.workers } : {}),
      evidenceDir,
      evidenceBucket: opts.evidenceBucket,
      evidenceRegion: opts.evidenceRegion,
      dryRun: opts.dryRun,
      writable: !opts.dryRun,
      log: env.log,
      progress: env.progress,
      now: env.now,
      signal: env.interrupts?.signal,
    });
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
  const threads = opts.workers ? { workers: opts.workers } : {};
  return resume(run.journal, { yes: false, concurrency: opts.concurrency, ...threads, ...signing }, env);
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
    identities: headerIdentities(session),
    notes: session.identityNotes,
    detection,
  });
  const planned = await planSteps(session.steps, (step) => session.contextFor(step, 'plan'), env.log);
  if (signal?.aborted) return interruptedBeforeJournal(signal);
  const estimate = await estimateCost(planned, session.region, await runPriceLookup(env.aws));
  const notifier = await createNotifier(opts.notifyTopics ?? [], env.aws, env.log, !opts.dryRun);
  const topicNotes = (await notifier?.check()) ?? [];
  const planText = [
    `${header}\n\nPlan:\n${renderPlan(planned)}\n`,
    ...estimateLines(estimate),
    ...topicNotes.map((n) => `! ${n}`),
    '',
  ].join('\n');
  if (opts.maxCost !== undefined && estimate.totalUsd > opts.maxCost) env.say(planText);
  checkMaxCost(opts.maxCost, estimate);
  const journal = JournalWriter.create(session.evidenceDir, signer, env.now);
  state.journalPath = journal.path;
  const entry = genesis(loaded, session, signer, opts, detection, estimate);
  const notices =
    notifier &&
    runNotices(planned, {
      notifier,
      incidentId: session.incidentId,
      accountId: session.caller.accountId,
      region: session.region,
      command: opts.command,
      journal,
      detectedAt: entry.detectedAt,
      now: env.now ?? (() => new Date()),
    });
  let report: RunReport;
  try {
    await journal.append('genesis', entry);
    env.say(planText);
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
      notices?.approved(estimate);
      const steps = await applySteps(planned, {
        journal,
        contextFor: (step) => session.contextFor(step, 'apply', journal.artefacts),
        log: env.log,
        onStepDone: notices?.stepDone,
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
  const facts = async (anchorAt?: string) => {
    // Only a run that applied something has evidence to report (a dry-run or a "no" sends nothing).
    if (report.outcome === 'completed' || report.outcome === 'failed') notices?.finished(anchorAt);
    return { estimate, ...(notifier ? { notifications: await notifier.settle() } : {}) };
  };
  if (!wantsAnchor(opts.dryRun, session.steps)) return withRunFacts(summary, await facts());
  const anchor = await anchorSealedRun({
    report,
    journal,
    signer,
    incidentId: session.incidentId,
    evidenceBucket: session.evidenceBucket,
    aws: { ...session.settingsOf('evidence'), concurrency: opts.concurrency },
    log: env.log,
  });
  const anchored = anchor.status === 'anchored' ? anchor.location : undefined;
  return withRunFacts(withAnchor(summary, anchor, journal.path), await facts(anchored));
}

function interruptedBeforeJournal(signal: AbortSignal): CommandResult {
  const stop = interruptedBy(signal);
  return {
    exitCode: SIGNAL_EXIT[stop.signal],
    text: 'Interrupted while planning: nothing was changed, and no journal was written.',
    json: { outcome: 'interrupted', interrupt: stop.signal, phase: 'plan', changed: false },
  };
}
