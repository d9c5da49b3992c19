import { loadRunbook } from '../runbook/load.js';
import { findStep } from '../steps/index.js';
import type { CommandResult } from './env.js';

/**
 * Calls drp makes around every run, whatever the runbook: who am I and my role's path, the list
 * prices of the plan's cost estimate (without it the estimate uses drp's table), and --notify-topic's
 * check and messages (leave the sns actions out for a responder who never notifies).
 */
const ALWAYS = [
  'sts:GetCallerIdentity',
  'iam:GetRole',
  'pricing:GetProducts',
  'sns:GetTopicAttributes',
  'sns:Publish',
];

const sidOf = (prefix: string, service: string) =>
  `${prefix}${service.replace(/[^A-Za-z0-9]/g, '').replace(/^./, (c) => c.toUpperCase())}`;

/** One Allow statement per service, actions sorted. */
function statements(actions: Set<string>, sidPrefix: string) {
  const byService = new Map<string, string[]>();
  for (const action of [...actions].sort()) {
    const service = action.split(':')[0]!;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  return [...byService].map(([service, list]) => ({
    Sid: sidOf(sidPrefix, service),
    Effect: 'Allow',
    Action: list,
    Resource: '*',
  }));
}

/**
 * `drp permissions <runbook>`: the least-privilege identity policy a runner needs, the union of
 * the steps' declared actions, one statement per service. What only `drp restore` needs (the
 * steps' restore permissions) is in statements of its own (Sid DrpRestore<Service>), so a role
 * that may contain but not undo is that policy without them.
 */
export function runbookPermissions(
  ref: string,
  options: { serviceRoles?: boolean; notice?: (text: string) => void } = {},
): CommandResult {
  const { runbook } = loadRunbook(ref);
  if (options.serviceRoles) return serviceRolePolicies(runbook.steps);
  for (const s of runbook.steps)
    for (const role of findStep(s.type)?.serviceRoles ?? [])
      options.notice?.(
        `drp: step ${s.id} (${s.type}) can act through a role an AWS service assumes (${role.param}); its trust and identity policies: drp permissions ${ref} --service-roles`,
      );
  const run = new Set(ALWAYS);
  const restore = new Set<string>();
  const steps = runbook.steps.map((s) => findStep(s.type)!);
  for (const step of steps) for (const a of step.permissions) run.add(a);
  for (const step of steps) for (const a of step.restore?.permissions ?? []) if (!run.has(a)) restore.add(a);
  const policy = {
    Version: '2012-10-17',
    Statement: [...statements(run, 'Drp'), ...statements(restore, 'DrpRestore')],
  };
  const json = JSON.stringify(policy, null, 2);
  return { exitCode: 0, text: json, json: policy };
}

/**
 * `drp permissions <runbook> --service-roles`: for each role an AWS service assumes for a step (S3
 * Batch Operations' batchRoleArn), its trust policy and its identity policy, with placeholders for
 * the names a run knows. Every deny drp writes exempts these roles.
 */
function serviceRolePolicies(steps: { id: string; type: string }[]): CommandResult {
  const roles = steps.flatMap(({ id, type }) =>
    (findStep(type)?.serviceRoles ?? []).map((role) => ({
      step: id,
      param: role.param,
      summary: role.summary,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: role.service }, Action: 'sts:AssumeRole' }],
      },
      policy: role.policy,
    })),
  );
  return { exitCode: 0, text: JSON.stringify(roles, null, 2), json: roles };
}
