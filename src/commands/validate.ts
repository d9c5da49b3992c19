import { isUserError } from '../errors.js';
import { loadRunbook } from '../runbook/load.js';
import { isConfigFileName, loadConfigFile, rolesIn } from './config-file.js';
import type { CommandResult } from './env.js';

/** A config file (drp.config.yaml, config.yaml) is checked as one: its roles, not steps. */
function validateConfig(ref: string) {
  const config = loadConfigFile(ref);
  const roles = rolesIn(config);
  return { ref, path: ref, valid: true, kind: 'config', roles, problems: [] as string[] };
}

/** `drp validate <runbook...>`: every problem of every file, before anything runs. */
export function validateRunbooks(refs: string[]): CommandResult {
  const results = refs.map((ref) => {
    try {
      if (isConfigFileName(ref)) return validateConfig(ref);
      const { runbook, path } = loadRunbook(ref);
      return {
        ref,
        path,
        valid: true,
        name: runbook.name,
        steps: runbook.steps.length,
        problems: [] as string[],
      };
    } catch (err) {
      if (!isUserError(err)) throw err;
      return {
        ref,
        valid: false,
        problems: err.details.length ? [err.message, ...err.details] : [err.message],
      };
    }
  });
  const text = results
    .map((r) =>
      r.valid && 'roles' in r
        ? `ok  ${r.path} (drp config, ${r.roles} role${r.roles === 1 ? '' : 's'})`
        : r.valid && 'steps' in r
          ? `ok  ${r.path} (${r.name}, ${r.steps} step${r.steps === 1 ? '' : 's'})`
          : r.problems.map((p, i) => (i ? `    ${p}` : `ERR ${p}`)).join('\n'),
    )
    .join('\n');
  return {
    exitCode: results.every((r) => r.valid) ? 0 : 2,
    text,
    json: { valid: results.every((r) => r.valid), results },
  };
}
