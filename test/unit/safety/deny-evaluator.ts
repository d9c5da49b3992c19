/**
 * Enough of IAM's policy evaluation to tell whether a Deny drp writes applies to a principal:
 * written here from the IAM reference, not taken from drp, so it judges drp's documents.
 */
/** IAM's ArnLike, written here from the IAM reference, not taken from drp. */
export function arnLike(pattern: string, arn: string): boolean {
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\/-]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
  const [p, a] = [pattern.split(':'), arn.split(':')];
  if (p.length < 6 || a.length < 6) return false;
  const cut = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  return cut(p).every((part, i) => glob(part).test(cut(a)[i]!));
}

export type Statement = {
  Effect: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/**
 * The request context of the worst case for a responder: a human signing with long-term access keys,
 * so aws:MultiFactorAuthPresent is absent (IAM: it is present only with temporary credentials) and
 * aws:PrincipalIsAWSService is false. A deny that spares the responder must do so by its ARN alone.
 */
const WORST_CASE: Record<string, string | undefined> = {
  'aws:multifactorauthpresent': undefined,
  'aws:principalisawsservice': 'false',
};

/** BoolIfExists: true when the key is absent, else when the value equals the policy's. */
function boolIfExists(keys: Record<string, unknown>): boolean {
  return Object.entries(keys).every(([key, value]) => {
    if (!(key.toLowerCase() in WORST_CASE)) throw new Error(`unexpected key ${key}`);
    const actual = WORST_CASE[key.toLowerCase()];
    return actual === undefined || String(value).toLowerCase() === actual;
  });
}

/** Whether a Deny statement applies to a request made by `principalArn` (the conditions drp writes). */
export function denies(statement: Statement, principalArn: string): boolean {
  if (statement.Effect !== 'Deny') return false;
  if (statement.Principal !== undefined && statement.Principal !== '*')
    throw new Error('unexpected Principal');
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    if (operator === 'BoolIfExists') {
      if (!boolIfExists(keys)) return false;
      continue;
    }
    const exempt = [keys['aws:PrincipalArn']].flat() as string[];
    if (Object.keys(keys).length !== 1 || !exempt.length) throw new Error(`unexpected condition ${operator}`);
    if (operator === 'ArnNotLike' && exempt.some((pattern) => arnLike(pattern, principalArn))) return false;
    if (operator === 'ArnNotEquals' && exempt.includes(principalArn)) return false;
    if (operator !== 'ArnNotLike' && operator !== 'ArnNotEquals')
      throw new Error(`unexpected operator ${operator}`);
  }
  return true;
}

/** What IAM knows about a request that drp's denies test, written here from the IAM reference. */
export interface RequestContext {
  /** aws:PrincipalArn: the user, the role (not the session), the federated user. */
  principalArn: string;
  /** aws:TokenIssueTime: present only for temporary credentials (a session token, a role session). */
  tokenIssueTime?: string;
  /** identitystore:userId: present only for an IAM Identity Center user's session. */
  identitystoreUserId?: string;
}

const KEYS: Record<string, (c: RequestContext) => string | undefined> = {
  'aws:principalarn': (c) => c.principalArn,
  'aws:tokenissuetime': (c) => c.tokenIssueTime,
  'identitystore:userid': (c) => c.identitystoreUserId,
};

/**
 * Whether an identity-based Deny of every action on every resource applies to a request: each
 * condition must hold (IAM ANDs operators and keys, ORs a key's values). A key the request does
 * not carry makes a positive operator false and a negated one true, as IAM evaluates them.
 */
export function deniesRequest(
  statement: Statement & { Action?: unknown; Resource?: unknown },
  c: RequestContext,
) {
  if (statement.Effect !== 'Deny' || statement.Action !== '*' || statement.Resource !== '*')
    throw new Error('expected a deny of * on *');
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, given]) => {
      const read = KEYS[key.toLowerCase()];
      if (!read) throw new Error(`unexpected condition key ${key}`);
      const value = read(c);
      const values = [given].flat() as string[];
      switch (operator) {
        case 'ArnNotLike':
          return value === undefined || !values.some((p) => arnLike(p, value));
        case 'StringEquals':
          return value !== undefined && values.includes(value);
        case 'DateLessThan':
          return value !== undefined && values.some((t) => Date.parse(value) < Date.parse(t));
        default:
          throw new Error(`unexpected operator ${operator}`);
      }
    }),
  );
}
