/**
 * S3's definition of a public bucket-policy statement ("The meaning of 'public'", Amazon S3 User
 * Guide, Blocking public access). S3 starts from "public" and calls an Allow non-public only when
 * it grants to fixed principals, or when a condition pins one of the keys below to fixed values:
 * no wildcard (`*`, `?`), no policy variable (`${...}`). With BlockPublicPolicy on, S3 rejects a
 * PutBucketPolicy whose document holds any public statement, drp's own deny included.
 *
 * Where S3's documentation leaves room, this errs towards "public": a statement wrongly called
 * public is only set aside (its text stays in the recorded before-state); one wrongly called
 * non-public makes S3 refuse drp's deny.
 */

/** Condition keys a fixed value of which makes an Allow to "*" non-public (keys are case-insensitive). */
export const NON_PUBLIC_KEYS: readonly string[] = [
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:userid',
  'aws:principalorgid',
  'aws:principalaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
];

/**
 * Operators that restrict a key to the values listed. Negations (StringNotEquals, NotIpAddress)
 * and `...IfExists` (true when the key is absent) never do; neither does ForAllValues (true for an
 * empty set).
 */
const RESTRICTING_OPERATOR =
  /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/;

/** A CIDR broader than /8 (IPv4) or /32 (IPv6) is treated by S3 as the whole internet. */
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 32;

export type Statement = Record<string, unknown>;

const values = (v: unknown): unknown[] => [v].flat();
const isFixed = (v: unknown) => typeof v === 'string' && v.length > 0 && !/[*?]|\$\{/.test(v);

function isNarrowCidr(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const [address = '', prefixText] = v.split('/');
  const ipv6 = address.includes(':');
  // A bare address is a /32 (IPv4) or /128 (IPv6).
  const prefix = prefixText === undefined ? (ipv6 ? 128 : 32) : Number(prefixText);
  if (!Number.isInteger(prefix)) return false;
  return prefix >= (ipv6 ? MIN_IPV6_PREFIX : MIN_IPV4_PREFIX);
}

/** Whether one condition key's values are all fixed (and, for aws:userid, not a whole role's sessions). */
function pinsKey(key: string, given: unknown): boolean {
  const list = values(given);
  if (list.length === 0) return false;
  if (key === 'aws:sourceip') return list.every(isNarrowCidr);
  if (key === 'aws:userid') return list.every((v) => isFixed(v) && !/^AROA[A-Z0-9]+:\*$/.test(String(v)));
  return list.every(isFixed);
}

/** Whether the statement's Condition pins at least one of S3's keys to fixed values. */
export function conditionMakesNonPublic(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object') return false;
  return Object.entries(condition as Record<string, unknown>).some(([operator, block]) => {
    if (!RESTRICTING_OPERATOR.test(operator) || !block || typeof block !== 'object') return false;
    return Object.entries(block as Record<string, unknown>).some(([key, given]) => {
      const k = key.toLowerCase();
      return NON_PUBLIC_KEYS.includes(k) && pinsKey(k, given);
    });
  });
}

/** Whether the principal is anyone: "*", {AWS: "*"} (alone or in a list), or any NotPrincipal. */
export function grantsToAnyone(s: Statement): boolean {
  if (s.NotPrincipal !== undefined) return true;
  const p = s.Principal;
  if (p === '*') return true;
  if (!p || typeof p !== 'object') return false;
  return Object.values(p as Record<string, unknown>).some((v) => values(v).some((x) => x === '*'));
}

/** S3's "public": an Allow to anyone that no condition pins to fixed values of S3's keys. */
export function isPublicStatement(s: Statement): boolean {
  return s.Effect === 'Allow' && grantsToAnyone(s) && !conditionMakesNonPublic(s.Condition);
}
