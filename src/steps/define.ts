import * as z from 'zod';
import type { AwsPorts } from '../aws/ports.js';
import type { Identity } from '../identities.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import type { Progress } from '../output/progress.js';
import type { CostItem } from '../prices.js';

/** Who is running drp, as AWS sees it. */
export interface Caller {
  /** What STS GetCallerIdentity returned (for a role: the assumed-role session ARN). */
  arn: string;
  accountId: string;
  /**
   * The ARN that `aws:PrincipalArn` carries for this caller: the user ARN, or for an assumed
   * role the role ARN with its path. Every deny drp writes exempts it.
   */
  principalArn: string;
  /** The IAM role name when the caller is an assumed role. */
  roleName?: string;
  /** More patterns every deny exempts for this caller (the role under any path, when its path is unknown). */
  alsoExempt?: string[];
}

/** One identity drp acts through in this run: who AWS sees, where, and the role drp assumed for it. */
export interface ActingIdentity extends Caller {
  /** The region its AWS clients use (the leaked bucket's for the target, the evidence region, ...). */
  region: string;
  /** The role drp assumed (--target-role-arn, ...); absent: the caller's own credentials. */
  roleArn?: string;
  /** The SourceIdentity (the operator) its role session carries, when the role allowed one. */
  sourceIdentity?: string;
}

export type { Identity } from '../identities.js';

/** Run-wide settings from the command line that steps may read. */
export interface RunSettings {
  /** Bounded parallelism for per-object work (legal holds, copies): calls in flight in all threads. */
  concurrency: number;
  /**
   * Worker threads for per-version work (legal holds, log copies: src/steps/lib/per-version.ts);
   * absent or 1 thread: all of it in the main thread. `always`: --workers was given, so a job of
   * any size uses them; by default (one per core) only a job large enough to repay their start.
   */
  workers?: { threads: number; always: boolean };
  /** Directory holding the journal and artefacts. */
  evidenceDir: string;
  /** The Object-Locked bucket evidence is preserved to (--evidence-bucket, default drp-evidence-<account>-<region>). */
  evidenceBucket: string;
}

/** What a step's plan and apply see. In plan, `aws` is read-only and `artefacts` refuses writes. */
export interface StepContext {
  readonly stepId: string;
  readonly incidentId: string;
  /** The region of the step's identity (for the target: the leaked bucket's region). */
  readonly region: string;
  /** Who the step acts as: its identity's caller (the workload account's role for most steps). */
  readonly caller: Caller;
  /** Every identity of the run, by name: the SCP's default target is `identities.target.accountId`. */
  readonly identities: Readonly<Record<Identity, ActingIdentity>>;
  /**
   * Every principal drp acts through (each identity's), every --exempt-principal and the steps'
   * service roles: no deny may apply to them.
   */
  readonly exemptPrincipals: readonly string[];
  /** The AWS ports of the step's identity, in its region: read-only in plan. */
  readonly aws: AwsPorts;
  /**
   * The ports of another identity the step declares in `alsoActsAs` (or its own, in another
   * region: IAM and STS events are looked up in us-east-1). Read-only in plan, as `aws` is.
   */
  awsAs(identity: Identity, options?: { region?: string }): Promise<AwsPorts>;
  readonly artefacts: Pick<ArtefactStore, 'write' | 'stream' | 'list'>;
  readonly settings: RunSettings;
  readonly log: Logger;
  readonly progress: Progress;
  /**
   * What earlier steps of this run returned from apply (`Applied.data`), by step id, so a step can
   * act on another's output (the quarantine on the scan's findings). Steps that completed are
   * present (with undefined data when they had nothing to do), and steps that failed part-way
   * with the data of what they did (a StepFailure's partial). Empty during plan.
   */
  readonly results: ReadonlyMap<string, unknown>;
  /**
   * In apply: the run so far, for a step that reports it (securityhub-report): the journal's id and
   * head (this step's intent is the last entry), and what each earlier step of this run did.
   */
  readonly run?: RunSoFar;
  /**
   * Aborted when the operator interrupts the run (Ctrl-C, SIGTERM), with an Interrupted reason.
   * Per-object loops honour it (forEachPaged takes it): they stop taking new items, let the calls
   * in flight finish and record them (close their manifest), then throw StepFailure with what was
   * done and the Interrupted as cause. A step that ignores it runs to its end; the run stops after it.
   */
  readonly signal: AbortSignal;
  now(): Date;
}

export interface RunSoFar {
  journalId: string;
  /** The SHA-256 head of the journal now, and how many entries it covers. */
  head(): { hash: string; entries: number };
  steps: readonly { id: string; type: string; outcome: string; changes: readonly Change[] }[];
}

// drp parses a few small documents per run (a runbook, each step's params): zod's JIT, which
// compiles a new Function for each object schema on its first parse, costs start-up (about 10 ms
// of `drp validate`, bench/startup.ts) and saves nothing here. A schema reads the setting when it
// is built, so it is set here: every step is declared through this module, and
// src/runbook/schema.ts imports it first.
z.config({ jitless: true });

/** One change a step makes (or would make): shown in the plan, journaled, summarised in the table. */
export interface Change {
  /** A verb: put-public-access-block, put-legal-hold, deactivate-access-key, ... */
  action: string;
  /** What it acts on: s3://bucket, arn:aws:iam::1:user/u, ... */
  target: string;
  /** Human detail, e.g. "all four settings on" or "1,204 versions". */
  detail?: string;
  /** How many resources the change covers, when it covers many (legal holds). */
  count?: number;
}

/**
 * What plan() returns: plain data a test can toEqual. `observed` is the before-state; it is
 * journaled in the step's intent entry and is what a restore puts back. No changes means
 * nothing to do.
 */
export interface Plan<Observed = unknown> {
  observed: Observed;
  changes: Change[];
  /** Findings and warnings the operator should read (e.g. "no trail covers us-east-1"). */
  notes?: string[];
  /**
   * Why this step cannot apply where it runs (an account outside AWS Organizations, Security Hub
   * not enabled): the step is journaled `not-applicable` with this reason, which is neither a
   * failure nor "nothing to do". `changes` must then be empty.
   */
  notApplicable?: string;
}

/**
 * What apply() returns: the changes actually made and the AWS request ids that made them.
 * Keep requestIds short (the journal keeps the first 50): per-object ids belong in an artefact.
 */
export interface Applied {
  changes: Change[];
  requestIds: string[];
  /** Step-specific facts a restore or a report needs (ids of things drp created, counts). */
  data?: unknown;
  notes?: string[];
  /**
   * Found only while applying: the step cannot apply where it runs (the endpoint does not implement
   * the operation at all, as emulators lack some). Journaled `not-applicable` with this reason,
   * never "nothing-to-do": that outcome says the work was already done. `changes` must be empty.
   */
  notApplicable?: string;
}

/**
 * A role an AWS service assumes to do part of a step's work (S3 Batch Operations placing legal
 * holds). drp acts through it, so every deny drp writes exempts it, and `drp permissions --service-roles`
 * prints the policies it needs.
 */
export interface ServiceRole {
  /** The step param that names the role's ARN ('' or absent: the step does not use one). */
  param: string;
  /** What the role is for, one sentence. */
  summary: string;
  /** The service principal its trust policy must name (batchoperations.s3.amazonaws.com). */
  service: string;
  /** Its identity policy; upper-case words are placeholders for the names a run knows (BUCKET). */
  policy: { Version: string; Statement: Record<string, unknown>[] };
}

export interface StepDefinition<Params extends z.ZodType = z.ZodType, Observed = unknown> {
  /** Kebab-case, equal to the file name under src/steps/. */
  type: string;
  /** One sentence; it is this step's documentation in `drp runbooks`, README and --help. */
  summary: string;
  /** The `with:` block. Use .strict() objects so unknown fields are reported. */
  params: Params;
  /**
   * Which identity the step acts through: `ctx.aws` and `ctx.caller` are that identity's. Default
   * 'target', the workload account (the leaked bucket's), which is what almost every step wants.
   */
  identity?: Identity;
  /** IAM actions the step may call as its identity; `drp permissions` adds them up; they select the AWS ports. */
  permissions: readonly string[];
  /** Roles AWS services assume to act for this step: exempt from every deny, listed by `drp permissions`. */
  serviceRoles?: readonly ServiceRole[];
  /**
   * Further identities the step acts through with `ctx.awsAs(identity)`, with the IAM actions it
   * calls as each (a log copy reads as 'logs' and writes as 'evidence').
   */
  alsoActsAs?: Partial<Record<Identity, readonly string[]>>;
  /** A valid `with:` block, checked by the registry test and shown in docs. */
  example: z.input<Params>;
  /** Read-only: observe and return the changes to make. Gets read-only AWS ports. */
  plan(ctx: StepContext, params: z.output<Params>): Promise<Plan<Observed>>;
  /** Make exactly the planned changes; idempotent; never deletes customer data. */
  apply(ctx: StepContext, params: z.output<Params>, plan: Plan<Observed>): Promise<Applied>;
  /** How `drp restore` undoes this step; absent when there is nothing to undo (a snapshot, evidence). */
  restore?: StepRestore<z.output<Params>, Observed>;
  /**
   * What applying this plan costs in AWS charges, as priced items (src/prices.ts): pure, from the
   * plan alone. The executor prices and sums them before the confirmation. Absent: nothing billed.
   */
  cost?(plan: Plan<Observed>, params: z.output<Params>): CostItem[];
}

/** What a run journaled about one step: all a restore works from. */
export interface Recorded<Params = unknown, Observed = unknown> {
  params: Params;
  /** The plan of the step's first intent: its `observed` is the state before drp changed anything. */
  plan: Plan<Observed>;
  /** The step's last result; undefined when the run was cut off after the intent (it may be half-done). */
  result?: RecordedResult;
  /** The path of an artefact of that run, once its SHA-256 is checked against the journal (throws if not). */
  artefact(ref: { path: string; sha256: string }): Promise<string>;
}

export interface RecordedResult {
  /** nothing-to-do only for a step drp resume re-planned after its first attempt was cut off. */
  outcome: 'applied' | 'failed' | 'nothing-to-do';
  changes: Change[];
  data?: unknown;
}

/** What the operator allows a restore to undo beyond the default (see README, drp restore). */
export interface RestoreOptions {
  reactivateKeys: boolean;
  releaseHolds: boolean;
  /** Put back the statements of a recorded policy that grant access outside the organization (or to anyone). */
  keepExternalGrants: boolean;
}

/**
 * A restore's plan: `observed` is the live state, `changes` put the recorded before-state back.
 * `drift` says where the live state is no longer what drp left (someone changed it since): the
 * operator must then choose, and --yes alone never silences it.
 */
export interface RestorePlan<Current = unknown> extends Plan<Current> {
  /** The before-state these changes put back, as the run recorded it. */
  before: unknown;
  drift: string[];
  /** What is deliberately left as drp made it (keys Inactive, legal holds, Object Lock), and why. */
  kept: string[];
}

export interface StepRestore<Params = unknown, Observed = unknown> {
  /** IAM actions the restore may call, reads included (`drp permissions` lists them apart). */
  permissions: readonly string[];
  /** Read-only: compare the live state with what drp left, and plan the changes that undo it. */
  plan(ctx: StepContext, recorded: Recorded<Params, Observed>, options: RestoreOptions): Promise<RestorePlan>;
  /** Make exactly the planned changes. Deletes only what drp created, or a setting that was not set before. */
  apply(ctx: StepContext, recorded: Recorded<Params, Observed>, plan: RestorePlan): Promise<Applied>;
  /**
   * Step types whose restore must come after this one, though reverse order would put it first:
   * when putting a before-state back depends on this one being back already.
   */
  runsBefore?: readonly string[];
}

/** The ARNs of the service roles a step's params name: principals drp acts through. */
export function serviceRoleArns(step: AnyStep, params: unknown): string[] {
  const values = (params ?? {}) as Record<string, unknown>;
  return (step.serviceRoles ?? []).flatMap((role) => {
    const arn = values[role.param];
    return typeof arn === 'string' && arn !== '' ? [arn] : [];
  });
}

/** Typed identity: lets each step file infer its params and observed types. */
export function defineStep<Params extends z.ZodType, Observed>(
  step: StepDefinition<Params, Observed>,
): StepDefinition<Params, Observed> {
  return step;
}

/** Typed identity for a restore kept in a sibling `<type>.restore.ts` file. */
export function defineRestore<Params, Observed>(
  restore: StepRestore<Params, Observed>,
): StepRestore<Params, Observed> {
  return restore;
}

// The registry holds steps of different param types; erase them at the boundary.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = StepDefinition<any, any>;

/**
 * Thrown when work fails part-way, with what was done before the failure. From apply() (`Partial`
 * is Applied), the journal and the summary then say it (e.g. 9,990 of 10,000 legal holds placed)
 * instead of only that it failed. A helper in src/steps/lib throws it with its own result (the
 * holds placed, the manifest written), which its step turns into an Applied.
 */
export class StepFailure<Partial = Applied> extends Error {
  override readonly name = 'StepFailure';
  constructor(
    readonly partial: Partial,
    options: { cause: unknown },
  ) {
    super(options.cause instanceof Error ? options.cause.message : String(options.cause), options);
  }
}

/** The identity a step acts through: 'target' unless it says otherwise. */
export const identityOf = (step: Pick<AnyStep, 'identity'>): Identity => step.identity ?? 'target';

/** The IAM actions a step calls, by the identity it calls them as (its own, and alsoActsAs). */
export function actionsByIdentity(
  step: Pick<AnyStep, 'identity' | 'permissions' | 'alsoActsAs'>,
): Map<Identity, readonly string[]> {
  const byIdentity = new Map<Identity, readonly string[]>([[identityOf(step), step.permissions]]);
  for (const [identity, actions] of Object.entries(step.alsoActsAs ?? {}) as [Identity, string[]][])
    byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), ...actions]);
  return byIdentity;
}
