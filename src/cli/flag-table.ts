import { type Command, Option } from 'commander';
import type { FlagCheckName } from '../commands/flag-checks.js';
import type { FlagValue } from '../commands/flag-params.js';
import type { ParamValue } from '../runbook/schema.js';
import { collect } from './values.js';

/**
 * One row of a command's flag table: a flag that gives its runbook a param. The row registers the
 * commander option and turns what commander read into the typed value the session takes as is.
 * Adding a flag to contain is adding a row to its table (src/cli/bucket-flags.ts).
 */
export interface FlagRow {
  /**
   * commander's syntax: '--user <name>', or '--quarantine' for a switch (true when given), or
   * '--no-cdn' for a switch that gives false (and nothing when not given).
   */
  flags: string;
  /** The runbook param it gives. */
  param: string;
  description: string;
  /** Parses a value as commander reads it; a bad one is commander's usage error, naming the flag. */
  parse?: (value: string) => ParamValue;
  choices?: readonly string[];
  required?: boolean;
  /** Repeatable, each value a comma-separated list: the param is a list of the items. */
  list?: boolean;
  /** With `list`: each value is one item, commas and all (a certificate subject DN). */
  whole?: boolean;
  /** Checked when the command runs, once its runbook is loaded (src/commands/flag-checks.ts). */
  check?: FlagCheckName;
  /** A switch that also has its --no- form (false when given); with neither, the runbook decides. */
  negatable?: { description: string };
}

/**
 * Required options, marked in --help and the docs. Not commander's makeOptionMandatory: commander
 * checks those before unknown options, so `--bucekt x` would say "--bucket not specified" instead
 * of "unknown option '--bucekt' (Did you mean --bucket?)". requireFlags checks them after.
 */
const REQUIRED = new WeakSet<Option>();
export const isRequired = (option: Option) => REQUIRED.has(option) || option.mandatory;

const optionOf = (row: FlagRow) => {
  const option = new Option(row.flags, row.description);
  if (row.list) option.argParser(collect);
  else if (row.parse) option.argParser(row.parse);
  if (row.choices) option.choices(row.choices);
  if (row.required) REQUIRED.add(option);
  return option;
};

/** Refuses a missing required flag as commander would, but after unknown options are reported. */
function requireFlags(cmd: Command): void {
  cmd.hook('preAction', (self) => {
    for (const option of self.options)
      if (REQUIRED.has(option) && self.getOptionValue(option.attributeName()) === undefined)
        self.error(`error: required option '${option.flags}' not specified`, {
          exitCode: 2,
          code: 'commander.missingMandatoryOptionValue',
        });
  });
}

export function addFlagRows(cmd: Command, rows: readonly FlagRow[]): Command {
  for (const row of rows) {
    cmd.addOption(optionOf(row));
    if (row.negatable)
      cmd.addOption(new Option(row.flags.replace(/^--/, '--no-'), row.negatable.description));
  }
  if (rows.some((r) => r.required)) requireFlags(cmd);
  return cmd;
}

/** commander makes a lone --no-x switch true when it is not given: that default is no value of ours. */
const loneNegation = (row: FlagRow) => row.flags.startsWith('--no-') && !row.negatable;

/** The given flags' values, typed, in table order (the order a command checks them in). */
export function flagValues(rows: readonly FlagRow[], opts: Record<string, unknown>): FlagValue[] {
  const values: FlagValue[] = [];
  for (const row of rows) {
    const option = optionOf(row);
    const raw = opts[option.attributeName()] as ParamValue | undefined;
    if (raw === undefined || (loneNegation(row) && raw === true)) continue;
    const given = Array.isArray(raw) ? raw : [String(raw)];
    const value = row.list ? (row.whole ? given : splitItems(given)) : raw;
    values.push({
      flag: row.negatable && raw === false ? option.long!.replace(/^--/, '--no-') : option.long!,
      param: row.param,
      value,
      given,
      ...(row.check ? { check: row.check } : {}),
    });
  }
  return values;
}

/** `--user alice,bob --user carol`: alice, bob and carol, as --param lists are read. */
const splitItems = (values: string[]) =>
  values.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean);
