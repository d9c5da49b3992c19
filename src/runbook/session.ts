import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_FILE } from '../journal/writer.js';

import type { AwsSettings } from '../aws/config.js';
import { NEVER_ABORTED, noRegion, UserError } from '../errors.js';
import type { Identity } from '../identities.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import { currentOsUser } from '../os-user.js';
import type { Progress } from '../output/progress.js';
import type { ActingIdentity, Caller, StepContext } from '../steps/define.js';
import { Acting, identitiesUsed } from './acting.js';
import { resolveIdentities, type AccountOptions } from './identities.js';
import { bucketsOf, targetRegion } from './regions.js';
import type { PreparedStep } from './execute.js';
import { invalid, type LoadedRunbook } from './load.js';
import { resolveParams, type GivenParam } from './params.js';
import { registry } from '../steps/index.js';
import { BucketName } from '../names.js';
import { serviceRoleArns } from '../steps/define.js';
import type { ParamValue } from './schema.js';
import { findTemplates, type Scope } from './template.js';
import { resolveStepParams, type Problem } from './validate.js';

export interface SessionOptions {
  aws: AwsSettings;
  /** The roles to assume (flags and config file); absent: every identity is the caller's own credentials. */
  accounts?: AccountOptions;
  /** Who runs it: the SourceIdentity of the role sessions. */
  operator?: string;
  /** Asks for an MFA code on the terminal (--mfa-serial); absent without a terminal. */
  askMfaCode?: (serial: string) => Promise<string>;
  incidentId?: string;
  exemptPrincipals: string[];
  concurrency: number;
  /** Worker threads for per-version work (--workers); default one per core. */
  workers?: number;
  evidenceDir?: string;
  /** --evidence-bucket; default drp-evidence-<evidence account>-<evidence region>. */
  evidenceBucket?: string;
  /** --evidence-region; default the leaked bucket's region (data residency). */
  evidenceRegion?: string;
  /** false for dry-runs and `drp plan`: then no client that could write is ever created. */
  writable: boolean;
  /** A dry-run: its default evidence dir is evidence/<id>/dry-run-N/, apart from the live runs. */
  dryRun?: boolean;
  log: Logger;
  progress: Progress;
  now?: () => Date;
  /** The run's interrupt (Ctrl-C): every apply context carries it (StepContext.signal). */
  signal?: AbortSignal;
}

/** Everything a run needs once the runbook, the params and the identities are known. */
export interface Session {
  incidentId: string;
  /** The target's region: the leaked bucket's (where the run acts), else --region. */
  region: string;
  /** The target identity (the workload account): what the plan header and the journal call the caller. */
  caller: Caller;
  /** Every identity the run acts through (an unused one is the caller's own credentials). */
  identities: Record<Identity, ActingIdentity>;
  /** Who the credentials drp was started with belong to (before any role is assumed). */
  source: Caller;
  /** What the operator should know about the identities (a role that refused the SourceIdentity, ...). */
  identityNotes: string[];
  /** The identities the steps act through. */
  used: ReadonlySet<Identity>;
  exemptPrincipals: string[];
  params: Record<string, ParamValue>;
  steps: PreparedStep[];
  evidenceDir: string;
  evidenceBucket: string;
  /** AWS settings of an identity (its credentials and region): the anchor writes as 'evidence'. */
  settingsOf(identity: Identity): AwsSettings;
  contextFor(step: PreparedStep, phase: 'plan' | 'apply', artefacts?: ArtefactStore): StepContext;
}

const INCIDENT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** INC-20261125-183000-7f3a: sortable, readable over the phone, unique enough per team. */
export function newIncidentId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `INC-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function checkIncidentId(id: string): string {
  if (!INCIDENT_ID.test(id)) {
    throw new UserError(
      `--incident ${id}: use 1-64 letters, digits and hyphens, starting with a letter or digit (e.g. INC-2041)`,
    );
  }
  return id;
}

/**
 * ./evidence/<incident-id>/ for an incident's first run; a later run of the same incident (a
 * re-run after a fix) gets run-2/, run-3/, ... inside it, so one incident's evidence stays together
 * and no journal is ever reused. A dry-run's journal goes to dry-run-1/, dry-run-2/, ... inside it:
 * a rehearsal is never where a live run's journal is expected, nor takes its place.
 */
export function defaultEvidenceDir(incidentId: string, options: { dryRun?: boolean } = {}): string {
  const base = join('evidence', incidentId);
  if (options.dryRun) {
    for (let n = 1; ; n++) {
      const dir = join(base, `dry-run-${n}`);
      if (!existsSync(join(dir, JOURNAL_FILE))) return dir;
    }
  }
  if (!existsSync(join(base, JOURNAL_FILE))) return base;
  for (let n = 2; ; n++) {
    const dir = join(base, `run-${n}`);
    if (!existsSync(join(dir, JOURNAL_FILE))) return dir;
  }
}

function checkEvidenceBucket(name: string): string {
  const check = BucketName.safeParse(name);
  if (!check.success) throw new UserError(`--evidence-bucket ${name}: ${check.error.issues[0]?.message}`);
  return name;
}

const usesContext = (value: unknown) =>
  findTemplates(value).some((u) => u.refs.some((r) => r.scope === 'context'));

function prepare(
  loaded: LoadedRunbook,
  scope: Scope,
  only: (raw: unknown) => boolean,
): { steps: PreparedStep[]; problems: Problem[] } {
  const steps: PreparedStep[] = [];
  const problems: Problem[] = [];
  loaded.runbook.steps.forEach((step, i) => {
    if (!only(step.with)) return;
    const definition = registry.find((s) => s.type === step.type)!;
    const resolved = resolveStepParams(definition, step.with, scope, ['steps', i, 'with']);
    problems.push(...resolved.problems);
    steps.push({ id: step.id, type: step.type, onError: step.onError, definition, params: resolved.params });
  });
  return { steps, problems };
}

/**
 * Resolves params (no AWS call yet: a bad value is exit 2 at once), assumes the roles of the
 * identities the steps act through and asks STS who each is, finds the leaked bucket's region,
 * resolves the context-dependent step params, and loads the AWS ports the steps declare.
 */
export async function openSession(
  loaded: LoadedRunbook,
  given: GivenParam[] | { resolved: Record<string, ParamValue> },
  options: SessionOptions,
): Promise<Session> {
  const incidentId = checkIncidentId(options.incidentId ?? newIncidentId(options.now?.()));
  // A resumed run takes the params its genesis recorded, already typed.
  const params = Array.isArray(given)
    ? resolveParams(loaded.runbook.params, given, loaded.runbook.name)
    : given.resolved;

  const early = prepare(loaded, { params, context: {} }, (raw) => !usesContext(raw));
  if (early.problems.length) throw invalid(loaded.path, early.problems, loaded.locate);
  const all = loaded.runbook.steps.map((s) => ({ definition: registry.find((d) => d.type === s.type)! }));
  const used = identitiesUsed(all);

  const { createStsPort } = await import('../aws/sts.js');
  const runRegion = options.aws.region ?? (await createStsPort(options.aws).region());
  if (!runRegion) throw noRegion();
  const aws = { ...options.aws, region: runRegion };
  const accounts = options.accounts ?? { roles: {} };
  const resolved = await resolveIdentities(aws, {
    accounts,
    operator: options.operator ?? currentOsUser(),
    incidentId,
    used,
    ...(options.askMfaCode ? { askMfaCode: options.askMfaCode } : {}),
    log: options.log,
  });
  const acting = new Acting(aws, resolved.identities, all);
  const region = await targetRegion(acting, bucketsOf(early.steps), runRegion, options.log);
  const evidenceRegion = options.evidenceRegion ?? accounts.evidenceRegion ?? region;
  const identities = acting.placeIn({ target: region, logs: region, evidence: evidenceRegion });
  const caller = identities.target;

  const evidenceBucket = checkEvidenceBucket(
    options.evidenceBucket ??
      accounts.evidenceBucket ??
      `drp-evidence-${identities.evidence.accountId}-${evidenceRegion}`,
  );
  const context = {
    evidenceBucket,
    incidentId,
    accountId: caller.accountId,
    region,
    callerArn: caller.arn,
    principalArn: caller.principalArn,
  };
  const late = prepare(loaded, { params, context }, usesContext);
  if (late.problems.length) throw invalid(loaded.path, late.problems, loaded.locate);
  const order = new Map(loaded.runbook.steps.map((s, i) => [s.id, i]));
  const steps = [...early.steps, ...late.steps].sort((a, b) => order.get(a.id)! - order.get(b.id)!);

  const planPorts = await acting.preload(true);
  const applyPorts = options.writable ? await acting.preload(false) : undefined;
  const actingAs = [...used].map((u) => identities[u]);
  // Every principal drp acts through: each identity's, --exempt-principal, and the roles AWS
  // services assume for a step (S3 Batch Operations' role would otherwise be denied by drp's own deny).
  const exemptPrincipals = [
    ...new Set([
      ...actingAs.flatMap((c) => [c.principalArn, ...(c.alsoExempt ?? [])]),
      ...options.exemptPrincipals,
      ...steps.flatMap((s) => serviceRoleArns(s.definition, s.params)),
    ]),
  ];
  const evidenceDir = options.evidenceDir ?? defaultEvidenceDir(incidentId, { dryRun: options.dryRun });
  const now = options.now ?? (() => new Date());

  return {
    incidentId,
    region,
    caller,
    identities,
    source: resolved.source,
    identityNotes: resolved.notes,
    used,
    exemptPrincipals,
    params,
    steps,
    evidenceDir,
    evidenceBucket,
    settingsOf: (identity) => acting.settingsOf(identity),
    contextFor(step, phase, artefacts) {
      const ports = phase === 'apply' ? applyPorts : planPorts;
      if (!ports) throw new Error('no writable AWS clients in a read-only session');
      return {
        stepId: step.id,
        incidentId,
        ...acting.contextOf(step.definition, ports, phase === 'plan'),
        exemptPrincipals,
        artefacts: phase === 'apply' && artefacts ? artefacts : refuseArtefacts,
        settings: {
          concurrency: options.concurrency,
          // Only apply makes changes; a plan has read-only clients and never starts a worker.
          ...(phase === 'apply' ? { workers: workersOf(options.workers) } : {}),
          evidenceDir,
          evidenceBucket,
        },
        log: options.log.child({ step: step.id }),
        progress: options.progress,
        results: NO_RESULTS,
        // In plan too: a long survey of versions stops at Ctrl-C, and the run stops before any change.
        signal: options.signal ?? NEVER_ABORTED,
        now,
      };
    },
  };
}

const NO_RESULTS: ReadonlyMap<string, unknown> = new Map();

const refuse = () => {
  throw new Error('a plan is read-only: artefacts are written in apply');
};
const refuseArtefacts: StepContext['artefacts'] = { write: refuse, stream: refuse, list: refuse };

/**
 * --workers N is used as given, for a job of any size. Without it: one per core on a machine of 4
 * cores or more, for jobs large enough to repay their start (per-version.ts). On 2 cores the work
 * stays in the main thread: there even the bare SDK loop gains at most 1.1-1.2 x from a second
 * process (0.85-1.17 x across runs), each call costing a quarter to a half more CPU, and two workers
 * measured no faster than the main thread alone (bench/README.md, "Worker threads").
 */
export const DEFAULT_WORKERS_FROM_CORES = 4;

export function workersOf(flag: number | undefined, cores = availableParallelism()) {
  if (flag !== undefined) return { threads: flag, always: true };
  return { threads: cores >= DEFAULT_WORKERS_FROM_CORES ? cores : 1, always: false };
}
