import { loadRunbook } from '../runbook/load.js';
import { findStep } from '../steps/index.js';
import type { CommandResult } from './env.js';

/** Read-only calls drp makes around every run, whatever the runbook: who am I, and my role's path. */
const ALWAYS = ['sts:GetCallerIdentity', 'iam:GetRole'];

/**
 * `drp permissions <runbook>`: the least-privilege identity policy a runner needs, the union of
 * the steps' declared actions, one statement per service.
 */
export function runbookPermissions(ref: string): CommandResult {
  const { runbook } = loadRunbook(ref);
  const actions = new Set(ALWAYS);
  for (const step of runbook.steps) for (const a of findStep(step.type)!.permissions) actions.add(a);
  const byService = new Map<string, string[]>();
  for (const action of [...actions].sort()) {
    const service = action.split(':')[0]!;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  const policy = {
    Version: '2012-10-17',
    Statement: [...byService].map(([service, list]) => ({
      Sid: `Drp${service.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase())}`,
      Effect: 'Allow',
      Action: list,
      Resource: '*',
    })),
  };
  const json = JSON.stringify(policy, null, 2);
  return { exitCode: 0, text: json, json: policy };
}
