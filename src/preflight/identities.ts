import type { AwsSettings } from '../aws/config.js';
import { formatError, isUserError } from '../errors.js';
import { IDENTITIES, IDENTITY_INFO, type Identity } from '../identities.js';
import type { Logger } from '../log.js';
import { resolveIdentities, type AccountOptions, type ResolvedIdentity } from '../runbook/identities.js';
import { ready, type Check } from './check.js';

export interface IdentityInput {
  accounts: AccountOptions;
  operator: string;
  incidentId: string;
  used: ReadonlySet<Identity>;
  askMfaCode?: (serial: string) => Promise<string>;
  log: Logger;
}

export interface PreflightIdentities {
  /** Each identity that could be resolved (the caller's own credentials when it has no role). */
  resolved: Partial<Record<Identity, ResolvedIdentity>>;
  checks: Check[];
}

/**
 * Who drp is as each identity the runbook uses, assuming every role as a run would. A run stops at
 * the first role it cannot assume (exit 2); preflight tries each on its own, so one bad trust
 * policy does not hide another.
 */
export async function checkIdentities(aws: AwsSettings, input: IdentityInput): Promise<PreflightIdentities> {
  const used = IDENTITIES.filter((i) => input.used.has(i));
  const resolved: Partial<Record<Identity, ResolvedIdentity>> = {};
  const failed = new Map<Identity, string>();
  try {
    Object.assign(resolved, pick((await resolveIdentities(aws, input)).identities, used));
  } catch (err) {
    if (!isUserError(err) || !used.some((i) => input.accounts.roles[i])) throw err;
    // Which roles failed: one at a time (the caller's own credentials worked, or this throws again).
    for (const identity of used) {
      try {
        const one = await resolveIdentities(aws, { ...input, used: new Set([identity]) });
        resolved[identity] = one.identities[identity];
      } catch (e) {
        if (!isUserError(e)) throw e;
        failed.set(identity, formatError(e));
      }
    }
  }
  const checks = used.map((identity): Check => {
    const info = IDENTITY_INFO[identity];
    const roleArn = input.accounts.roles[identity];
    const error = failed.get(identity);
    if (error)
      return {
        group: 'identity',
        name: identity,
        verdict: 'blocked',
        identity,
        detail: error,
        fix: `let the role be assumed: its trust policy must allow sts:AssumeRole and sts:SetSourceIdentity to the principal drp runs as (drp permissions RUNBOOK prints it, with ${info.flag}); or fix ${info.flag}`,
      };
    const r = resolved[identity]!;
    return ready(
      'identity',
      identity,
      `${roleArn ? `assumed ${roleArn}: ` : 'own credentials: '}${r.caller.arn} in account ${r.caller.accountId}`,
      { identity },
    );
  });
  return { resolved, checks };
}

const pick = (all: Record<Identity, ResolvedIdentity>, used: Identity[]) =>
  Object.fromEntries(used.map((i) => [i, all[i]]));
