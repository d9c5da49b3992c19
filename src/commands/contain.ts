import { loadRunbook } from '../runbook/load.js';
import { BucketName, ExecuteApiArn, IamName, LambdaFunctionArn, OrgTargetId, RoleArn } from '../names.js';
import type { CommandEnv, CommandResult } from './env.js';
import {
  EVIDENCE_FLAG_PARAMS,
  paramsFromFlags,
  splitList,
  type EvidenceFlags,
  type FlagParam,
} from './flag-params.js';
import { runRunbook, type RunOptions } from './run.js';

export const DEFAULT_CONTAIN_RUNBOOK = 'deepfake-s3-leak';

/** contain's own flags, each feeding the runbook param of the same meaning. */
export interface ContainFlags extends EvidenceFlags {
  bucket: string;
  runbook?: string;
  users?: string[];
  roles?: string[];
  functions?: string[];
  apis?: string[];
  scpTarget?: string;
  retentionDays?: number;
  batchThreshold?: number;
  batchRoleArn?: string;
}

const CONTAIN_FLAG_PARAMS: FlagParam<ContainFlags>[] = [
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
  { flag: '--retention-days', param: 'retentionDays', values: (f) => [f.retentionDays?.toString()] },
  { flag: '--batch-threshold', param: 'batchThreshold', values: (f) => [f.batchThreshold?.toString()] },
  { flag: '--batch-role-arn', param: 'batchRoleArn', values: (f) => [f.batchRoleArn], schema: RoleArn },
  ...EVIDENCE_FLAG_PARAMS,
];

export const containParams = (flags: ContainFlags, declared: Record<string, unknown>, runbookName: string) =>
  paramsFromFlags(flags, CONTAIN_FLAG_PARAMS, declared, runbookName);

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
