import { UserError } from '../errors.js';
import { loadRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import type { CommandEnv, CommandResult } from './env.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_PRESERVE_RUNBOOK = 'preserve-evidence';

/** preserve's own flags, each feeding the runbook param of the same meaning. */
export interface PreserveFlags {
  bucket: string;
  since?: string;
  evidenceRetentionDays?: number;
  evidenceLockMode?: string;
  users?: string[];
  roles?: string[];
  runbook?: string;
}

/** Runbook param <- preserve flag. A flag whose param the runbook does not declare is an error, not ignored. */
const PARAM_OF_FLAG: { flag: string; param: string; values: (f: PreserveFlags) => (string | undefined)[] }[] =
  [
    { flag: '--bucket', param: 'bucket', values: (f) => [f.bucket] },
    { flag: '--since', param: 'since', values: (f) => [f.since] },
    {
      flag: '--evidence-retention-days',
      param: 'evidenceRetentionDays',
      values: (f) => [f.evidenceRetentionDays?.toString()],
    },
    { flag: '--evidence-lock-mode', param: 'evidenceLockMode', values: (f) => [f.evidenceLockMode] },
    { flag: '--user', param: 'users', values: (f) => f.users ?? [] },
    { flag: '--role', param: 'roles', values: (f) => f.roles ?? [] },
  ];

export function preserveParams(
  flags: PreserveFlags,
  declared: Record<string, unknown>,
  runbookName: string,
): GivenParam[] {
  const given: GivenParam[] = [];
  for (const { flag, param, values } of PARAM_OF_FLAG) {
    const list = values(flags).filter((v): v is string => v !== undefined);
    if (list.length === 0) continue;
    if (!(param in declared))
      throw new UserError(`${flag}: runbook ${runbookName} has no param "${param}" to take it`);
    given.push(...list.map((value) => ({ name: param, value, flag })));
  }
  return given;
}

/**
 * `drp preserve --bucket NAME`: the preserve-evidence runbook (or --runbook), for when containment
 * was done by hand: the Object-Locked evidence bucket, the bucket's state, CloudTrail and access
 * logs, and the anchored journal.
 */
export async function preserve(
  flags: PreserveFlags,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = loadRunbook(flags.runbook ?? DEFAULT_PRESERVE_RUNBOOK);
  const params = preserveParams(flags, loaded.runbook.params, loaded.runbook.name);
  return runRunbook({ ...run, runbook: loaded, params, command: 'preserve' }, env);
}
