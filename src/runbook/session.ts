import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_FILE } from '../journal/writer.js';

import type { AwsSettings } from '../aws/config.js';
import { loadPorts, servicesOf, type AwsPorts } from '../aws/ports.js';
import { NEVER_ABORTED, UserError } from '../errors.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import type { Progress } from '../output/progress.js';
import { resolveCaller } from './caller.js';
import type { Caller, StepContext } from '../steps/define.js';
import type { PreparedStep } from './execute.js';
import { invalid, type LoadedRunbook } from './load.js';
import { resolveParams, type GivenParam } from './params.js';
import { registry } from '../steps/index.js';
import { BucketName } from '../names.js';
import type { ParamValue } from './schema.js';
import { findTemplates, type Scope } from './template.js';
import { resolveStepParams, type Problem } from './validate.js';

export interface SessionOptions {
  aws: AwsSettings;
  incidentId?: string;
  exemptPrincipals: string[];
  concurrency: number;
  evidenceDir?: string;
  /** --evidence-bucket; default drp-evidence-<account>-<region>. */
  evidenceBucket?: string;
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

/** Everything a run needs once the runbook, the params and the caller are known. */
export interface Session {
  incidentId: string;
  region: string;
  caller: Caller;
  exemptPrincipals: string[];
  params: Record<string, ParamValue>;
  steps: PreparedStep[];
  evidenceDir: string;
  evidenceBucket: string;
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
 * Resolves params (no AWS call yet: a bad value is exit 2 at once), asks STS who the caller is,
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

  const { createStsPort } = await import('../aws/sts.js');
  const sts = createStsPort(options.aws);
  const region = options.aws.region ?? (await sts.region());
  if (!region) throw new UserError('--region: no AWS region is configured; pass --region or set AWS_REGION');
  const aws = { ...options.aws, region };
  const identity = await sts.getCallerIdentity();
  const iam = async () => {
    const m = await import('../aws/iam.js');
    return m.createIamPort(m.createIamClient(aws, true));
  };
  const caller = await resolveCaller(identity, iam, options.log);

  const evidenceBucket = checkEvidenceBucket(
    options.evidenceBucket ?? `drp-evidence-${caller.accountId}-${region}`,
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

  const services = servicesOf(steps.flatMap((s) => s.definition.permissions));
  const planPorts = await loadPorts(services, aws, true);
  const applyPorts: AwsPorts | undefined = options.writable
    ? await loadPorts(services, aws, false)
    : undefined;
  const exemptPrincipals = [
    ...new Set([caller.principalArn, ...(caller.alsoExempt ?? []), ...options.exemptPrincipals]),
  ];
  const evidenceDir = options.evidenceDir ?? defaultEvidenceDir(incidentId, { dryRun: options.dryRun });
  const now = options.now ?? (() => new Date());

  return {
    incidentId,
    region,
    caller,
    exemptPrincipals,
    params,
    steps,
    evidenceDir,
    evidenceBucket,
    contextFor(step, phase, artefacts) {
      const ports = phase === 'apply' ? applyPorts : planPorts;
      if (!ports) throw new Error('no writable AWS clients in a read-only session');
      return {
        stepId: step.id,
        incidentId,
        region,
        caller,
        exemptPrincipals,
        aws: ports,
        artefacts: phase === 'apply' && artefacts ? artefacts : refuseArtefacts,
        settings: { concurrency: options.concurrency, evidenceDir, evidenceBucket },
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
