import { loadRunbook } from '../runbook/load.js';
import type { CommandEnv, CommandResult } from './env.js';
import { paramsFromFlags, type FlagValue } from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';
import { checkModeFlags, modeParams } from './scan-provenance-flags.js';

export const SCAN_RUNBOOK = 'scan-synthetic-media';

/**
 * `drp scan --bucket NAME`: the scan-synthetic-media runbook; --provenance runs its Content
 * Credentials scan, --quarantine its quarantine steps.
 */
export async function scan(
  flags: FlagValue[],
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  checkModeFlags(flags);
  const loaded = loadRunbook(SCAN_RUNBOOK);
  const now = env.now?.() ?? new Date();
  const params = [
    ...paramsFromFlags(flags, loaded.runbook.params, loaded.runbook.name, now),
    ...modeParams(flags),
  ];
  return runRunbook({ ...run, runbook: loaded, params, command: 'scan' }, env);
}
