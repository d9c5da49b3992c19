import { UserError } from '../errors.js';
import type { GivenParam } from '../runbook/params.js';
import type { ParamValue } from '../runbook/schema.js';
import { FLAG_CHECKS, type FlagCheckName } from './flag-checks.js';

/**
 * One command flag's value for the runbook param of the same meaning, typed by the cli's flag
 * table (src/cli/bucket-flags.ts): a number stays a number, a repeatable flag is a list.
 */
export interface FlagValue {
  /** e.g. --user */
  flag: string;
  param: string;
  value: ParamValue;
  /** Each value as given on the command line, for `check`. */
  given: string[];
  check?: FlagCheckName;
}

/** What contain, preserve and scan take: their flags' values, and another runbook to run them with. */
export interface FlagInput {
  runbook?: string;
  flags: FlagValue[];
}

/**
 * The params a command's flags give its runbook, already typed. A flag whose param the runbook does
 * not declare is an error, not ignored; each value is checked here (AWS's naming rules, ...), so the
 * message names the flag rather than the param. A list flag whose values were all blank gives
 * nothing.
 */
export function paramsFromFlags(
  values: readonly FlagValue[],
  declared: Record<string, unknown>,
  runbookName: string,
  now: Date,
): GivenParam[] {
  const given: GivenParam[] = [];
  for (const { flag, param, value, given: raw, check } of values) {
    const nothing = Array.isArray(value) && value.length === 0;
    if (!nothing && !Object.hasOwn(declared, param))
      throw new UserError(`${flag}: runbook ${runbookName} has no param "${param}" to take it`);
    for (const text of check ? raw : []) {
      const message = FLAG_CHECKS[check!](text, flag, now);
      if (message) throw new UserError(message);
    }
    if (!nothing) given.push({ name: param, typed: value, flag });
  }
  return given;
}
