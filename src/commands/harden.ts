import { loadRunbook } from '../runbook/load.js';
import type { CommandEnv, CommandResult } from './env.js';
import { paramsFromFlags, type FlagInput } from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_HARDEN_RUNBOOK = 'harden-after-leak';

/**
 * `drp harden --bucket NAME`: after the incident, never part of contain. The harden-after-leak
 * runbook (or --runbook) with its own plan, confirmation and journal; `drp restore` of that
 * journal removes exactly what it added.
 */
export async function harden(
  input: FlagInput,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = loadRunbook(input.runbook ?? DEFAULT_HARDEN_RUNBOOK);
  const now = env.now?.() ?? new Date();
  const params = paramsFromFlags(input.flags, loaded.runbook.params, loaded.runbook.name, now);
  return runRunbook({ ...run, runbook: loaded, params, command: 'harden' }, env);
}
