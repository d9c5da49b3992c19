import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
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
import type { CommandEnv, CommandResult } from './env.js';
import { createNotifier } from './notify.js';
import { runNotices } from './notify-run.js';
import { countOutcomes, result, withRunFacts } from './run-summary.js';
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

/** An ISO 8601 time with a zone (Z or +hh:mm), not in the future: normalised to UTC. */
export function checkDetectedAt(value: string, now: Date): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(ms)) {
    throw new UserError(
      `--detected-at ${value}: expected an ISO 8601 time with a zone, e.g. 2026-11-25T02:40:00Z or 2026-11-25T03:40:00+01:00`,
    );
  }
  if (ms > now.getTime() + 5 * 60_000) throw new UserError(`--detected-at ${value}: is in the future`);
  return new Date(ms).toISOString();
}

function genesis(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  startedAt: Date,
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
    detectedAt: opts.detectedAt ? checkDetectedAt(opts.detectedAt, startedAt) : startedAt.toISOString(),
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
  const signer = await loadSigner(opts, env);
  const incidentId = checkIncidentId(env.incidentId ?? newIncidentId(startedAt));
  const evidenceDir = opts.evidenceDir ?? defaultEvidenceDir(incidentId);
  // Before any AWS call: a second run of this incident now would race the first.
  const releaseIncident = opts.dryRun ? () => {} : acquireIncidentLock(evidenceDir, incidentId);
  try {
    const session = await openSession(loaded, opts.params, {
      aws: { ...env.aws, concurrency: opts.concurrency },
      ...(await identityOptions(env, opts.operator)),
      incidentId,
      exemptPrincipals: opts.exemptPrincipals,
      concurrency: opts.concurrency,
      evidenceDir,
      evidenceBucket: opts.evidenceBucket,
      evidenceRegion: opts.evidenceRegion,
      writable: !opts.dryRun,
      log: env.log,
      progress: env.progress,
      now: env.now,
    });
    return await planAndApply(loaded, session, signer, opts, env, startedAt);
  } finally {
    releaseIncident();
  }
}

async function planAndApply(
  loaded: LoadedRunbook,
  session: Session,
  signer: Signer,
  opts: RunOptions,
  env: CommandEnv,
  startedAt: Date,
): Promise<CommandResult> {
  const header = renderHeader({
    runbook: loaded.runbook.name,
    incidentId: session.incidentId,
    accountId: session.caller.accountId,
    region: session.region,
    callerArn: session.caller.arn,
    dryRun: opts.dryRun,
    identities: headerIdentities(session),
    notes: session.identityNotes,
  });
  const planned = await planSteps(session.steps, (step) => session.contextFor(step, 'plan'), env.log);
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
  const entry = genesis(loaded, session, signer, opts, startedAt, estimate);
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
    if (opts.dryRun) {
      report = { outcome: 'dry-run', steps: await recordPlans(planned, journal) };
    } else if (
      !opts.yes &&
      !(await env.confirm(`Apply ${changeCount(planned)} change(s) to account ${session.caller.accountId}?`))
    ) {
      report = { outcome: 'declined', steps: await recordPlans(planned, journal) };
    } else {
      notices?.approved(estimate);
      const steps = await applySteps(planned, {
        journal,
        contextFor: (step) => session.contextFor(step, 'apply', journal.artefacts),
        log: env.log,
        onStepDone: notices?.stepDone,
      });
      report = { outcome: runOutcome(steps), steps };
    }
    await journal.seal({ outcome: report.outcome, counts: countOutcomes(report) });
  } finally {
    journal.close();
    if (!journal.isSealed)
      env.notice(`drp: the run stopped before its end; finish it with: drp resume ${journal.path}`);
  }
  const summary = result(report, journal.path, session, opts);
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
