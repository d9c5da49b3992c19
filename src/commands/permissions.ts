import { IDENTITIES, IDENTITY_INFO, type Identity } from '../identities.js';
import type { AccountOptions } from '../runbook/identities.js';
import { loadRunbook } from '../runbook/load.js';
import { actionsByIdentity, identityOf } from '../steps/define.js';
import { findStep } from '../steps/index.js';
import type { CommandResult } from './env.js';
import { callerPolicy, roleArnsOf, trustPolicy } from './trust-policy.js';

/** Read-only calls drp makes as every identity, whatever the runbook: who am I, and my role's path. */
const ALWAYS = ['sts:GetCallerIdentity', 'iam:GetRole'];

/**
 * Calls drp makes around every run as the workload identity (the credentials it starts with in one
 * account): the list prices of the plan's cost estimate (without them the estimate uses drp's table),
 * and --notify-topic's check and messages (leave the sns actions out for a responder who never notifies).
 */
const AROUND_RUN = ['pricing:GetProducts', 'sns:GetTopicAttributes', 'sns:Publish'];

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

const policyOf = (run: Set<string>, restore: Set<string>) => ({
  Version: '2012-10-17',
  Statement: [
    ...statements(run, 'Drp'),
    ...statements(new Set([...restore].filter((a) => !run.has(a))), 'DrpRestore'),
  ],
});

/** What each identity calls for a runbook: its steps' actions (run), and their restores' (restore). */
export function actionsOf(ref: string) {
  const { runbook } = loadRunbook(ref);
  const run = new Map<Identity, Set<string>>();
  const restore = new Map<Identity, Set<string>>();
  const add = (map: Map<Identity, Set<string>>, identity: Identity, actions: readonly string[]) =>
    map.set(identity, new Set([...(map.get(identity) ?? ALWAYS), ...actions]));
  for (const step of runbook.steps.map((s) => findStep(s.type)!)) {
    for (const [identity, actions] of actionsByIdentity(step)) add(run, identity, actions);
    add(restore, identityOf(step), step.restore?.permissions ?? []);
  }
  add(run, 'target', AROUND_RUN);
  return { run, restore };
}

/**
 * `drp permissions <runbook>`: the least-privilege identity policies a runner needs. In one
 * account (no role flags): one policy, the union of every step's actions. In an organization: one
 * per identity (the actions its steps call as it), each role's trust policy, and the policy of the
 * principal that assumes them. What only `drp restore` needs is in statements of its own (Sid
 * DrpRestore<Service>), so a role that may contain but not undo is that policy without them.
 * With the role flags or a config file, the trust policies name the real roles and accounts.
 */
export function runbookPermissions(
  ref: string,
  accounts?: AccountOptions,
  options: { serviceRoles?: boolean; notice?: (text: string) => void } = {},
): CommandResult {
  const { runbook } = loadRunbook(ref);
  if (options.serviceRoles) return serviceRolePolicies(runbook.steps);
  for (const s of runbook.steps)
    for (const role of findStep(s.type)?.serviceRoles ?? [])
      options.notice?.(
        `drp: step ${s.id} (${s.type}) can act through a role an AWS service assumes (${role.param}); its trust and identity policies: drp permissions ${ref} --service-roles`,
      );
  const { run, restore } = actionsOf(ref);
  const all = (map: Map<Identity, Set<string>>) => new Set([...map.values()].flatMap((s) => [...s]));
  const oneAccount = policyOf(all(run), all(restore));
  const used = IDENTITIES.filter((i) => run.has(i));
  const roles = roleArnsOf(used, accounts);
  const identities = Object.fromEntries(
    used.map((identity) => [
      identity,
      {
        flag: IDENTITY_INFO[identity].flag,
        account: IDENTITY_INFO[identity].account,
        roleArn: roles[identity],
        policy: policyOf(run.get(identity)!, restore.get(identity) ?? new Set()),
        trustPolicy: trustPolicy(accounts),
      },
    ]),
  );
  const assumer = callerPolicy(Object.values(roles));
  const json = { policy: oneAccount, identities, assumer };
  const text = [
    '# One account (no role flags): the identity policy of whoever runs drp',
    JSON.stringify(oneAccount, null, 2),
    ...used.flatMap((identity) => [
      '',
      `# ${identity}: ${roles[identity]} (${IDENTITY_INFO[identity].flag}), in ${IDENTITY_INFO[identity].account}`,
      JSON.stringify(identities[identity]!.policy, null, 2),
      `# ${identity}: the trust policy of that role`,
      JSON.stringify(identities[identity]!.trustPolicy, null, 2),
    ]),
    '',
    '# The principal drp runs as, when it assumes the roles: its identity policy',
    JSON.stringify(assumer, null, 2),
  ].join('\n');
  return { exitCode: 0, text, json };
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
