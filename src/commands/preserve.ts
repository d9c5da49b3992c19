import { loadRunbook } from '../runbook/load.js';
import { BucketName, IamName } from '../names.js';
import type { CommandEnv, CommandResult } from './env.js';
import {
  EVIDENCE_FLAG_PARAMS,
  paramsFromFlags,
  splitList,
  type EvidenceFlags,
  type FlagParam,
} from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_PRESERVE_RUNBOOK = 'preserve-evidence';

/** preserve's own flags, each feeding the runbook param of the same meaning. */
export interface PreserveFlags extends EvidenceFlags {
  bucket: string;
  users?: string[];
  roles?: string[];
  runbook?: string;
}

const PRESERVE_FLAG_PARAMS: FlagParam<PreserveFlags>[] = [
  { flag: '--bucket', param: 'bucket', values: (f) => [f.bucket], schema: BucketName },
  ...EVIDENCE_FLAG_PARAMS,
  { flag: '--user', param: 'users', values: (f) => splitList(f.users), schema: IamName },
  { flag: '--role', param: 'roles', values: (f) => splitList(f.roles), schema: IamName },
];

export const preserveParams = (
  flags: PreserveFlags,
  declared: Record<string, unknown>,
  runbookName: string,
) => paramsFromFlags(flags, PRESERVE_FLAG_PARAMS, declared, runbookName);

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
