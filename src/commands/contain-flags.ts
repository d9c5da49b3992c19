import { UserError } from '../errors.js';
import type { FlagValue } from './flag-params.js';

const given = (flags: readonly FlagValue[], flag: string) =>
  flags.some((f) => f.flag === flag && !(Array.isArray(f.value) && !f.value.length));

/**
 * `--cognito-user` names users of one pool, `--user-pool`: either alone is a mistake the operator
 * must hear about before anything changes (exit 2), not a step that quietly does nothing.
 */
export function checkContainFlags(flags: readonly FlagValue[]): void {
  const users = given(flags, '--cognito-user');
  const pool = given(flags, '--user-pool');
  if (users && !pool)
    throw new UserError(
      '--cognito-user needs --user-pool ID: the Cognito user pool the users belong to (e.g. --user-pool us-east-1_AbC123xyZ)',
    );
  if (pool && !users)
    throw new UserError(
      '--user-pool needs at least one --cognito-user NAME: drp signs out and disables only the users named (repeatable)',
    );
}
