import type { AwsSettings } from '../aws/config.js';
import { NEVER_ABORTED, UserError } from '../errors.js';
import type { Identity } from '../identities.js';
import type { ArtefactStore } from '../journal/artefacts.js';
import type { Logger } from '../log.js';
import { currentOsUser } from '../os-user.js';
import type { Progress } from '../output/progress.js';
import { Acting, identitiesUsed } from '../runbook/acting.js';
import type { PreparedStep } from '../runbook/execute.js';
import { resolveIdentities, type AccountOptions } from '../runbook/identities.js';
import { accountsFromJournal, checkSameAccounts } from '../runbook/journal-identities.js';
import type { ActingIdentity, Caller, StepContext } from '../steps/define.js';
import type { RecordedRun } from './recorded.js';

export interface RestoreSessionOptions {
  aws: AwsSettings;
  /** Roles from the flags and the config file: each must be the one the journal records. */
  accounts?: AccountOptions;
  operator?: string;
  askMfaCode?: (serial: string) => Promise<string>;
  concurrency: number;
  evidenceDir: string;
  /** false for --dry-run: then no client that could write is created. */
  writable: boolean;
  log: Logger;
  progress: Progress;
  now?: () => Date;
}

export interface RestoreSession {
  /** The target identity (the workload account). */
  caller: Caller;
  region: string;
  identities: Record<Identity, ActingIdentity>;
  /** The identities the restore actions act through. */
  used: ReadonlySet<Identity>;
  contextFor(action: PreparedStep, phase: 'plan' | 'apply', artefacts?: ArtefactStore): StepContext;
}

const refuse = () => {
  throw new Error('a plan is read-only: artefacts are written in apply');
};
// Every member of StepContext['artefacts'] refuses (`list` is there once the evidence steps' store has it).
const refuseArtefacts = { write: refuse, stream: refuse, list: refuse } as StepContext['artefacts'];

/**
 * The AWS side of a restore: each identity the run acted through, as the journal records it (its
 * role, account and region; other credentials or roles are refused: exit 2, nothing changed), and
 * the ports the restore actions declare. Steps see the run's incident id and exempt principals, so
 * they find drp's own artefacts by the names the run gave them.
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
  const used = identitiesUsed(actions);
  const accounts = accountsFromJournal(genesis.identities, options.accounts ?? { roles: {} }, used, run.path);
  const resolved = await resolveIdentities(aws, {
    accounts,
    operator: options.operator ?? currentOsUser(),
    incidentId: genesis.incidentId,
    used,
    ...(options.askMfaCode ? { askMfaCode: options.askMfaCode } : {}),
    log: options.log,
  });
  const acting = new Acting(aws, resolved.identities, actions);
  const regions = Object.fromEntries(
    Object.entries(genesis.identities ?? {}).map(([identity, r]) => [identity, r.region]),
  );
  const identities = acting.placeIn(regions);
  checkSameAccounts(genesis.identities, genesis.caller.accountId, identities, used);
  const planPorts = await acting.preload(true);
  const applyPorts = options.writable ? await acting.preload(false) : undefined;
  const now = options.now ?? (() => new Date());
  return {
    caller: identities.target,
    region: identities.target.region,
    identities,
    used,
    contextFor(action, phase, artefacts) {
      const ports = phase === 'apply' ? applyPorts : planPorts;
      if (!ports) throw new Error('no writable AWS clients in a read-only restore');
      return {
        stepId: action.id,
        incidentId: genesis.incidentId,
        ...acting.contextOf(action.definition, ports, phase === 'plan'),
        exemptPrincipals: genesis.exemptPrincipals,
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
