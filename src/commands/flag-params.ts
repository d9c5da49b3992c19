import type * as z from 'zod';
import { UserError } from '../errors.js';
import type { GivenParam } from '../runbook/params.js';

/** One command flag feeding the runbook param of the same meaning, checked by `schema` when given. */
export interface FlagParam<F> {
  flag: string;
  param: string;
  values: (flags: F) => (string | undefined)[];
  schema?: z.ZodType;
}

/** Repeatable flags also take comma-separated values, as --param lists do. */
export const splitList = (values: string[] = []) =>
  values.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean);

/**
 * The params a command's flags give its runbook. A flag whose param the runbook does not declare
 * is an error, not ignored; each value is checked against AWS's naming rules here, so the message
 * names the flag rather than the param.
 */
export function paramsFromFlags<F>(
  flags: F,
  table: readonly FlagParam<F>[],
  declared: Record<string, unknown>,
  runbookName: string,
): GivenParam[] {
  const given: GivenParam[] = [];
  for (const { flag, param, values, schema } of table) {
    const list = values(flags).filter((v): v is string => v !== undefined);
    if (list.length === 0) continue;
    if (!Object.hasOwn(declared, param))
      throw new UserError(`${flag}: runbook ${runbookName} has no param "${param}" to take it`);
    for (const value of list) {
      const result = schema?.safeParse(value);
      if (result && !result.success)
        throw new UserError(`${flag} ${value}: ${result.error.issues[0]?.message}`);
    }
    given.push(...list.map((value) => ({ name: param, value, flag })));
  }
  return given;
}

/** The evidence flags contain and preserve share; their defaults live in the runbooks. */
export interface EvidenceFlags {
  since?: string;
  evidenceRetentionDays?: number;
  evidenceLockMode?: string;
}

export const EVIDENCE_FLAG_PARAMS: FlagParam<EvidenceFlags>[] = [
  { flag: '--since', param: 'since', values: (f) => [f.since] },
  {
    flag: '--evidence-retention-days',
    param: 'evidenceRetentionDays',
    values: (f) => [f.evidenceRetentionDays?.toString()],
  },
  { flag: '--evidence-lock-mode', param: 'evidenceLockMode', values: (f) => [f.evidenceLockMode] },
];
