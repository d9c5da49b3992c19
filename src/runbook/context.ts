import type { AwsPorts } from '../aws/ports.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import type { Progress } from '../output/progress.js';

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

/** Run-wide settings from the command line that steps may read. */
export interface RunSettings {
  /** Bounded parallelism for per-object work (legal holds, copies). */
  concurrency: number;
  /** Directory holding the journal and artefacts. */
  evidenceDir: string;
  /** The Object-Locked bucket evidence is preserved to (--evidence-bucket, default drp-evidence-<account>-<region>). */
  evidenceBucket: string;
}

/** What a step's plan and apply see. In plan, `aws` is read-only and `artefacts` refuses writes. */
export interface StepContext {
  readonly stepId: string;
  readonly incidentId: string;
  readonly region: string;
  readonly caller: Caller;
  /** The caller's principal, every --exempt-principal and the steps' service roles: no deny may apply to them. */
  readonly exemptPrincipals: readonly string[];
  readonly aws: AwsPorts;
  readonly artefacts: Pick<ArtefactStore, 'write' | 'stream' | 'list'>;
  readonly settings: RunSettings;
  readonly log: Logger;
  readonly progress: Progress;
  /**
   * What earlier steps of this run returned from apply (`Applied.data`), by step id, so a step can
   * act on another's output (the quarantine on the scan's findings). Only steps that completed
   * are present (with undefined data when they had nothing to do). Empty during plan.
   */
  readonly results: ReadonlyMap<string, unknown>;
  now(): Date;
}
