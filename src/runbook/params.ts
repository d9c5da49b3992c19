import { UserError } from '../errors.js';
import type { ParamSpec, ParamType, ParamValue } from './schema.js';

/**
 * One operator-given value, with the flag it came from so a message can name it: the text of a
 * `--param NAME=VALUE`, read as the runbook declares the param, or a command flag's value that its
 * flag table already typed (`--retention-days 30` is the number 30).
 */
export type GivenParam =
  | {
      name: string;
      value: string;
      /** e.g. "--param retentionDays=abc". */
      flag: string;
    }
  | { name: string; typed: ParamValue; flag: string };

const typeOf = (value: ParamValue): ParamType =>
  Array.isArray(value)
    ? 'list'
    : typeof value === 'number'
      ? 'integer'
      : (typeof value as 'string' | 'boolean');

/** `--param k=v` strings into GivenParams; the value may contain "=". */
export function parseParamFlags(flags: string[]): GivenParam[] {
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--param ${flag}: expected NAME=VALUE, e.g. --param bucket=media-prod`);
    return { name: flag.slice(0, eq), value: flag.slice(eq + 1), flag: `--param ${flag}` };
  });
}

function coerce(spec: ParamSpec, given: Extract<GivenParam, { value: string }>): ParamValue {
  switch (spec.type) {
    case 'string':
      return given.value;
    case 'integer':
      if (!/^-?\d{1,15}$/.test(given.value))
        throw new UserError(`${given.flag}: ${given.name} is an integer`);
      return Number(given.value);
    case 'boolean':
      if (given.value !== 'true' && given.value !== 'false')
        throw new UserError(`${given.flag}: ${given.name} is true or false`);
      return given.value === 'true';
    case 'list':
      return given.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

/**
 * The runbook's params with the operator's values: typed, defaults applied, required ones
 * present. A list param may be given several times (each adds) or comma-separated.
 */
export function resolveParams(
  specs: Record<string, ParamSpec>,
  given: GivenParam[],
  runbookName: string,
): Record<string, ParamValue> {
  // Own properties only: a param may be named "constructor" or "toString", which every object has.
  const values: Record<string, ParamValue> = {};
  const valueOf = (name: string) => (Object.hasOwn(values, name) ? values[name] : undefined);
  for (const g of given) {
    const spec = Object.hasOwn(specs, g.name) ? specs[g.name] : undefined;
    if (!spec) {
      const declared = Object.keys(specs).join(', ') || '(none)';
      throw new UserError(
        `${g.flag}: runbook ${runbookName} has no param "${g.name}"; its params: ${declared}`,
      );
    }
    if ('typed' in g && typeOf(g.typed) !== spec.type)
      throw new UserError(
        `${g.flag}: runbook ${runbookName} declares param "${g.name}" as ${spec.type}, and ${g.flag} gives a${typeOf(g.typed) === 'integer' ? 'n' : ''} ${typeOf(g.typed)}`,
      );
    const value = 'typed' in g ? g.typed : coerce(spec, g);
    const previous = valueOf(g.name);
    if (spec.type === 'list' && Array.isArray(previous))
      values[g.name] = [...previous, ...(value as string[])];
    else if (previous !== undefined)
      throw new UserError(`${g.flag}: ${g.name} was given twice; it takes one value`);
    else values[g.name] = value;
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (valueOf(name) !== undefined) continue;
    if (spec.default !== undefined) values[name] = spec.default;
    else if (spec.required)
      throw new UserError(
        `missing param "${name}": pass --param ${name}=VALUE${spec.description ? ` (${spec.description})` : ''}`,
      );
  }
  return values;
}
