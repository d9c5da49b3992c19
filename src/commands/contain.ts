import { loadRunbook } from '../runbook/load.js';
import { checkContainFlags } from './contain-flags.js';
import type { CommandEnv, CommandResult } from './env.js';
import { checkEdgeFlags } from './contain-edge-flags.js';
import { paramsFromFlags, type FlagInput } from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_CONTAIN_RUNBOOK = 'deepfake-s3-leak';

/**
 * `drp contain --bucket NAME`: the deepfake-s3-leak runbook (or --runbook) with its flags as
 * params (src/cli/bucket-flags.ts says which flag gives which param).
 */
export async function contain(
  input: FlagInput,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  checkEdgeFlags(input.flags);
  checkContainFlags(input.flags);
  const loaded = loadRunbook(input.runbook ?? DEFAULT_CONTAIN_RUNBOOK);
  const now = env.now?.() ?? new Date();
  const params = paramsFromFlags(input.flags, loaded.runbook.params, loaded.runbook.name, now);
  return runRunbook({ ...run, runbook: loaded, params, command: 'contain' }, env);
}
