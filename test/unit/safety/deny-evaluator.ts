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

/** Whether a Deny statement applies to a request made by `principalArn` (the conditions drp writes). */
export function denies(statement: Statement, principalArn: string): boolean {
  if (statement.Effect !== 'Deny') return false;
  if (statement.Principal !== undefined && statement.Principal !== '*')
    throw new Error('unexpected Principal');
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const exempt = [keys['aws:PrincipalArn']].flat() as string[];
    if (Object.keys(keys).length !== 1 || !exempt.length) throw new Error(`unexpected condition ${operator}`);
    if (operator === 'ArnNotLike' && exempt.some((pattern) => arnLike(pattern, principalArn))) return false;
    if (operator === 'ArnNotEquals' && exempt.includes(principalArn)) return false;
    if (operator !== 'ArnNotLike' && operator !== 'ArnNotEquals')
      throw new Error(`unexpected operator ${operator}`);
  }
  return true;
}
