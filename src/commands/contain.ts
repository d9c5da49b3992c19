import type { z } from 'zod';
import { UserError } from '../errors.js';
import { loadRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import { BucketName, ExecuteApiArn, IamName, LambdaFunctionArn, OrgTargetId } from '../steps/names.js';
import type { CommandEnv, CommandResult } from './env.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_CONTAIN_RUNBOOK = 'deepfake-s3-leak';

/** contain's own flags, each feeding the runbook param of the same meaning. */
export interface ContainFlags {
  bucket: string;
  runbook?: string;
  users?: string[];
  roles?: string[];
  functions?: string[];
  apis?: string[];
  scpTarget?: string;
  retentionDays?: number;
  since?: string;
  evidenceRetentionDays?: number;
  evidenceLockMode?: string;
}

/**
 * Runbook param <- contain flag. A flag whose param the runbook does not declare is an error, not
 * ignored. Repeatable flags may also be comma-separated, as --param lists are; each value is
 * checked against AWS's naming rules here, so the message names the flag.
 */
const PARAM_OF_FLAG: {
  flag: string;
  param: string;
  values: (f: ContainFlags) => (string | undefined)[];
  schema?: z.ZodType;
}[] = [
  { flag: '--bucket', param: 'bucket', values: (f) => [f.bucket], schema: BucketName },
  { flag: '--user', param: 'users', values: (f) => splitList(f.users), schema: IamName },
  { flag: '--role', param: 'roles', values: (f) => splitList(f.roles), schema: IamName },
  {
    flag: '--function',
    param: 'functions',
    values: (f) => splitList(f.functions),
    schema: LambdaFunctionArn,
  },
  { flag: '--api', param: 'apis', values: (f) => splitList(f.apis), schema: ExecuteApiArn },
  { flag: '--scp-target', param: 'scpTarget', values: (f) => [f.scpTarget], schema: OrgTargetId },
  {
    flag: '--retention-days',
    param: 'retentionDays',
    values: (f) => [f.retentionDays === undefined ? undefined : String(f.retentionDays)],
  },
  // Evidence preservation (issue 5).
  { flag: '--since', param: 'since', values: (f) => [f.since] },
  {
    flag: '--evidence-retention-days',
    param: 'evidenceRetentionDays',
    values: (f) => [f.evidenceRetentionDays?.toString()],
  },
  { flag: '--evidence-lock-mode', param: 'evidenceLockMode', values: (f) => [f.evidenceLockMode] },
];

const splitList = (values: string[] = []) =>
  values.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean);

function check(flag: string, value: string, schema?: z.ZodType): void {
  const result = schema?.safeParse(value);
  if (result && !result.success) throw new UserError(`${flag} ${value}: ${result.error.issues[0]?.message}`);
}

export function containParams(
  flags: ContainFlags,
  declared: Record<string, unknown>,
  runbookName: string,
): GivenParam[] {
  const given: GivenParam[] = [];
  for (const { flag, param, values, schema } of PARAM_OF_FLAG) {
    const list = values(flags).filter((v): v is string => v !== undefined);
    if (list.length === 0) continue;
    if (!(param in declared))
      throw new UserError(`${flag}: runbook ${runbookName} has no param "${param}" to take it`);
    for (const value of list) check(flag, value, schema);
    given.push(...list.map((value) => ({ name: param, value, flag })));
  }
  return given;
}

/** `drp contain --bucket NAME`: the deepfake-s3-leak runbook (or --runbook) with flags as params. */
export async function contain(
  flags: ContainFlags,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const loaded = loadRunbook(flags.runbook ?? DEFAULT_CONTAIN_RUNBOOK);
  const params = containParams(flags, loaded.runbook.params, loaded.runbook.name);
  return runRunbook({ ...run, runbook: loaded, params, command: 'contain' }, env);
}
