import type { IamSimulatePort, SimulatedAction } from '../aws/iam-simulate.js';
import { formatError } from '../errors.js';
import type { Identity } from '../identities.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { actionsByIdentity } from '../steps/define.js';
import { findStep } from '../steps/index.js';
import { ready, verdictFor, type Check } from './check.js';

/** What one principal (one or more identities sharing credentials) needs, and for which steps. */
export interface PrincipalNeeds {
  principalArn: string;
  identities: Identity[];
  /** action -> the ids of the steps that call it. */
  actions: Map<string, string[]>;
}

/** Read-only calls drp makes as every identity, whatever the runbook (as `drp permissions` lists them). */
const ALWAYS = ['sts:GetCallerIdentity', 'iam:GetRole'];

/** Each identity's actions, by the steps of the runbook that call them (what `drp permissions` adds up). */
export function needsByIdentity(runbook: LoadedRunbook): Map<Identity, Map<string, string[]>> {
  const needs = new Map<Identity, Map<string, string[]>>();
  for (const step of runbook.runbook.steps) {
    for (const [identity, actions] of actionsByIdentity(findStep(step.type)!)) {
      const map = needs.get(identity) ?? new Map(ALWAYS.map((a) => [a, [] as string[]]));
      for (const action of actions) map.set(action, [...(map.get(action) ?? []), step.id]);
      needs.set(identity, map);
    }
  }
  return needs;
}

/**
 * Object-level S3 actions are evaluated on the bucket's objects, bucket-level ones on the bucket,
 * everything else on "*" (the simulator's default): a policy scoped to other buckets shows up.
 */
export function resourcesOf(action: string, buckets: string[], partition: string): string[] {
  if (!action.startsWith('s3:') || buckets.length === 0) return [];
  const objectLevel = /Object(?!Lock)|Retention|LegalHold/.test(action) && action !== 's3:ListBucketVersions';
  return buckets.map((b) => `arn:${partition}:s3:::${b}${objectLevel ? '/*' : ''}`);
}

const allowStatement = (actions: string[]) =>
  JSON.stringify({ Effect: 'Allow', Action: actions, Resource: '*' });

function deniedCheck(
  needs: PrincipalNeeds,
  result: SimulatedAction,
  steps: string[],
  runbook: LoadedRunbook,
): Check {
  const who = `${needs.principalArn} (${needs.identities.join(', ')})`;
  const stepList = steps.length ? steps.join(', ') : 'every run (identity lookup)';
  const base = { group: 'permissions' as const, name: result.action, steps, identity: needs.identities[0]! };
  if (result.decision === 'implicitDeny' && result.missingContextValues.length)
    return {
      ...base,
      verdict: 'gap',
      detail: `not allowed for ${who} in the simulation, which depends on context keys it was not given (${result.missingContextValues.join(', ')}): steps ${stepList}`,
      fix: `check the condition on ${result.missingContextValues.join(', ')} in ${who}'s policies allows a drp run`,
    };
  const verdict = verdictFor(runbook, steps);
  if (result.allowedByOrganizations === false)
    return {
      ...base,
      verdict,
      detail: `denied to ${who} by a service control policy of the organization: steps ${stepList} cannot run`,
      fix: `exempt ${needs.principalArn} in the SCP that denies ${result.action} (a Condition ArnNotLike aws:PrincipalArn), from the management account`,
    };
  if (result.allowedByPermissionsBoundary === false)
    return {
      ...base,
      verdict,
      detail: `denied to ${who} by its permissions boundary: steps ${stepList} cannot run`,
      fix: `add ${result.action} to the permissions boundary policy of ${needs.principalArn}`,
    };
  const how = result.decision === 'explicitDeny' ? 'explicitly denied' : 'not allowed';
  return {
    ...base,
    verdict,
    detail: `${how} for ${who}${result.matchedPolicies.length ? ` (${result.matchedPolicies.join(', ')})` : ''}: steps ${stepList} cannot run`,
    fix:
      result.decision === 'explicitDeny'
        ? `remove or narrow the Deny of ${result.action} in ${result.matchedPolicies.join(', ') || 'the policy that denies it'} for ${needs.principalArn}`
        : `add to the policy of ${needs.principalArn}: ${allowStatement([result.action])} (drp permissions ${runbook.runbook.name} prints the whole policy)`,
  };
}

/**
 * Asks IAM whether the principal may call every action its steps need, on the buckets' ARNs where
 * given. Where the simulation is not available (an emulator, or the principal may not simulate
 * itself), one gap says so: the bucket, trail and organization checks still read what a plan reads.
 */
export async function checkPermissions(
  sim: IamSimulatePort,
  needs: PrincipalNeeds,
  runbook: LoadedRunbook,
  buckets: string[],
  partition: string,
): Promise<Check[]> {
  const who = `${needs.principalArn} (${needs.identities.join(', ')})`;
  const base = { group: 'permissions' as const, identity: needs.identities[0]! };
  if (/:root$/.test(needs.principalArn))
    return [ready('permissions', who, 'the root user: IAM policies do not limit it (SCPs still do)', base)];
  if (!/:(user|role)\//.test(needs.principalArn))
    return [
      {
        ...base,
        name: who,
        verdict: 'gap',
        detail: 'simulation not available: IAM simulates users and roles only',
        fix: 'run drp as an IAM user or role (a role of the config file) so that preflight can check its permissions',
      },
    ];
  // One call per set of resources: the bucket's, its objects', and "*".
  const groups = new Map<string, string[]>();
  for (const action of needs.actions.keys()) {
    const key = resourcesOf(action, buckets, partition).join(' ');
    groups.set(key, [...(groups.get(key) ?? []), action]);
  }
  const results: SimulatedAction[] = [];
  try {
    for (const [key, actions] of groups)
      results.push(...(await sim.simulate(needs.principalArn, actions, key ? key.split(' ') : [])));
  } catch (err) {
    return [
      {
        ...base,
        name: who,
        verdict: 'gap',
        detail: `simulation not available: ${formatError(err)}; the permissions were not checked, only the reads below`,
        fix: `allow iam:SimulatePrincipalPolicy on ${needs.principalArn} to itself, or run against AWS (emulators lack it); until then drp contain --bucket B --dry-run shows what the reads allow`,
      },
    ];
  }
  const denied = results.filter((r) => r.decision !== 'allowed');
  if (denied.length)
    return denied.map((r) => deniedCheck(needs, r, needs.actions.get(r.action) ?? [], runbook));
  const on = buckets.length ? ` (on ${buckets.join(', ')} where S3)` : '';
  return [ready('permissions', who, `all ${results.length} actions its steps call are allowed${on}`, base)];
}
