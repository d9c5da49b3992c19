import type { AwsSettings } from '../aws/config.js';
import { loadPorts, servicesOf, type AwsPorts } from '../aws/ports.js';
import { NEVER_ABORTED, UserError } from '../errors.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import type { Progress } from '../output/progress.js';
import { resolveCaller } from '../runbook/caller.js';
import type { Caller, StepContext } from '../steps/define.js';
import type { PreparedStep } from '../runbook/execute.js';
import type { RecordedRun } from './recorded.js';

export interface RestoreSessionOptions {
  aws: AwsSettings;
  concurrency: number;
  evidenceDir: string;
  /** false for --dry-run: then no client that could write is created. */
  writable: boolean;
  log: Logger;
  progress: Progress;
  now?: () => Date;
}

export interface RestoreSession {
  caller: Caller;
  region: string;
  contextFor(action: PreparedStep, phase: 'plan' | 'apply', artefacts?: ArtefactStore): StepContext;
}

const refuse = () => {
  throw new Error('a plan is read-only: artefacts are written in apply');
};
// Every member of StepContext['artefacts'] refuses (`list` is there once the evidence steps' store has it).
const refuseArtefacts = { write: refuse, stream: refuse, list: refuse } as StepContext['artefacts'];

/**
 * The AWS side of a restore: the run's region and account (other credentials are refused: exit 2,
 * nothing changed), the caller, and the ports the restore actions declare. Steps see the run's
 * incident id and exempt principals, so they find drp's own artefacts by the names the run gave them.
 */
export async function openRestoreSession(
  run: RecordedRun,
  actions: PreparedStep[],
  options: RestoreSessionOptions,
): Promise<RestoreSession> {
  const { genesis } = run;
  if (options.aws.region && options.aws.region !== genesis.region)
    throw new UserError(
      `--region ${options.aws.region}: the journal's run was in ${genesis.region}; a restore runs there (omit --region)`,
    );
  const aws = { ...options.aws, region: genesis.region, concurrency: options.concurrency };
  const { createStsPort } = await import('../aws/sts.js');
  const identity = await createStsPort(aws).getCallerIdentity();
  const iam = async () => {
    const m = await import('../aws/iam.js');
    return m.createIamPort(m.createIamClient(aws, true));
  };
  const caller = await resolveCaller(identity, iam, options.log);
  if (caller.accountId !== genesis.caller.accountId)
    throw new UserError(
      `the journal's run was in account ${genesis.caller.accountId}; these credentials are for ${caller.accountId}`,
    );
  const services = servicesOf(actions.flatMap((a) => a.definition.permissions));
  const planPorts = await loadPorts(services, aws, true);
  const applyPorts: AwsPorts | undefined = options.writable
    ? await loadPorts(services, aws, false)
    : undefined;
  const now = options.now ?? (() => new Date());
  return {
    caller,
    region: genesis.region,
    contextFor(action, phase, artefacts) {
      const ports = phase === 'apply' ? applyPorts : planPorts;
      if (!ports) throw new Error('no writable AWS clients in a read-only restore');
      return {
        stepId: action.id,
        incidentId: genesis.incidentId,
        region: genesis.region,
        caller,
        exemptPrincipals: genesis.exemptPrincipals,
        aws: ports,
        artefacts: phase === 'apply' && artefacts ? artefacts : refuseArtefacts,
        settings: {
          concurrency: options.concurrency,
          evidenceDir: options.evidenceDir,
          evidenceBucket: genesis.evidenceBucket ?? '',
        },
        log: options.log.child({ step: action.id, restore: true }),
        progress: options.progress,
        results: new Map(),
        // A restore is not interrupted gracefully: Ctrl-C ends it (its journal stays valid to its last line).
        signal: NEVER_ABORTED,
        now,
      };
    },
  };
}
