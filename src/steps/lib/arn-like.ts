/**
 * IAM's ArnLike: each of the six colon-separated parts of an ARN is matched on its own, case
 * sensitive, with * (any run of characters, / included) and ? (one character). Every deny drp
 * writes exempts principals with ArnNotLike, so this is how drp must read an exempt pattern too.
 */
function glob(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

const parts = (arn: string) => {
  const split = arn.split(':');
  return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
};

export function arnLike(pattern: string, arn: string): boolean {
  const p = parts(pattern);
  const a = parts(arn);
  return Boolean(p && a && p.every((part, i) => glob(part).test(a[i]!)));
}
