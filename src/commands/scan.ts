import { loadRunbook } from '../runbook/load.js';
import type { CommandEnv, CommandResult } from './env.js';
import { paramsFromFlags, type FlagValue } from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const SCAN_RUNBOOK = 'scan-synthetic-media';

/** `drp scan --bucket NAME`: the scan-synthetic-media runbook, with --quarantine running its second step. */
export async function scan(
  flags: FlagValue[],
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = loadRunbook(SCAN_RUNBOOK);
  const now = env.now?.() ?? new Date();
  const params = paramsFromFlags(flags, loaded.runbook.params, loaded.runbook.name, now);
  return runRunbook({ ...run, runbook: loaded, params, command: 'scan' }, env);
}
