import { isPublicStatement, type Statement } from './public-policy.js';

/**
 * Which statements of a recorded resource policy grant access outside the organization (or, without
 * AWS Organizations, outside the account): an attacker's backdoor may be one, and a restore must not
 * put it back silently. Used by every restore that puts a resource policy back (the bucket policy
 * now; function and table resource policies as their steps land).
 *
 * Outside means: an Allow to anyone that S3 would call public (lib/public-policy.ts), an Allow to a
 * principal of another account that is not known to be in the organization, or an Allow to anyone
 * pinned by a condition to another account or organization. Where drp cannot tell, it says outside:
 * a grant wrongly set aside is put back with --keep-external-grants; one wrongly put back is a
 * backdoor reopened.
 */

export interface Boundary {
  accountId: string;
  /** The organization's id (o-...), when the account is in one and drp could read it. */
  orgId?: string;
  /** Whether another account is in the organization: undefined when drp could not tell. */
  inOrganization(accountId: string): boolean | undefined;
}

const ACCOUNT_KEYS = ['aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner', 'aws:resourceaccount'];
const ORG_KEYS = ['aws:principalorgid', 'aws:sourceorgid'];

const list = (v: unknown): unknown[] => [v].flat();

/** The account of a principal: a 12-digit id, or the account field of an ARN. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(principal)?.[1];
}

function outsideAccount(account: string, b: Boundary): string | undefined {
  if (account === b.accountId) return undefined;
  const member = b.inOrganization(account);
  if (member) return undefined;
  return member === false || !b.orgId
    ? `account ${account} is outside ${b.orgId ? `organization ${b.orgId}` : `account ${b.accountId}`}`
    : `account ${account} is not known to be in organization ${b.orgId} (drp could not read its accounts)`;
}

/** Why a grant to named principals reaches outside, or undefined. */
function namedPrincipalOutside(principal: unknown, b: Boundary): string | undefined {
  if (!principal || typeof principal !== 'object') return undefined;
  for (const [type, given] of Object.entries(principal as Record<string, unknown>)) {
    if (type === 'Service') continue; // an AWS service acting for this account
    for (const p of list(given)) {
      if (typeof p !== 'string' || p === '*') continue;
      if (type === 'CanonicalUser') return `canonical user ${p} is an account drp cannot place`;
      const account = accountOf(p);
      if (!account) return `principal ${p} is not an account drp can place`;
      const why = outsideAccount(account, b);
      if (why) return `grants to ${p}: ${why}`;
    }
  }
  return undefined;
}

/** Why a grant to anyone, pinned by its conditions, still reaches another account or organization. */
function pinnedOutside(condition: unknown, b: Boundary): string | undefined {
  if (!condition || typeof condition !== 'object') return undefined;
  for (const block of Object.values(condition as Record<string, unknown>)) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, given] of Object.entries(block as Record<string, unknown>)) {
      const k = key.toLowerCase();
      for (const v of list(given).filter((x): x is string => typeof x === 'string')) {
        if (ACCOUNT_KEYS.includes(k) && /^\d{12}$/.test(v)) {
          const why = outsideAccount(v, b);
          if (why) return `grants to anyone in ${key} ${v}: ${why}`;
        }
        if (ORG_KEYS.includes(k) && v !== b.orgId)
          return `grants to anyone in organization ${v}, not ${b.orgId ?? 'this account'}`;
      }
    }
  }
  return undefined;
}

/** Why this statement grants access outside the boundary, or undefined when it does not. */
export function externalGrant(s: Statement, b: Boundary): string | undefined {
  if (s.Effect !== 'Allow') return undefined;
  if (isPublicStatement(s)) return 'grants to anyone ("*") without a condition S3 treats as non-public';
  const p = s.Principal;
  const anyone =
    p === '*' || (!!p && typeof p === 'object' && Object.values(p).some((v) => list(v).includes('*')));
  return anyone ? pinnedOutside(s.Condition, b) : namedPrincipalOutside(s.Principal, b);
}

/** Every 12-digit account id a statement names (principals and conditions): those whose membership matters. */
export function accountsNamed(s: Statement): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      const a = accountOf(v);
      if (a) found.add(a);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(s.Principal);
  walk(s.Condition);
  return [...found];
}
