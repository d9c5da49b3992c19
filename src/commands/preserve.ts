import { loadRunbook } from '../runbook/load.js';
import type { CommandEnv, CommandResult } from './env.js';
import { paramsFromFlags, type FlagInput } from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_PRESERVE_RUNBOOK = 'preserve-evidence';

/**
 * `drp preserve --bucket NAME`: the preserve-evidence runbook (or --runbook), for when containment
 * was done by hand: the Object-Locked evidence bucket, the bucket's state, CloudTrail and access
 * logs, and the anchored journal.
 */
export async function preserve(
  input: FlagInput,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = loadRunbook(input.runbook ?? DEFAULT_PRESERVE_RUNBOOK);
  const now = env.now?.() ?? new Date();
  const params = paramsFromFlags(input.flags, loaded.runbook.params, loaded.runbook.name, now);
  return runRunbook({ ...run, runbook: loaded, params, command: 'preserve' }, env);
}
