/**
 * Safe readers for journal entry fields. verify proves an entry was signed, not that its body has
 * the shape today's drp writes (older journals, other versions, a hand-made signer): the report
 * must render whatever is there and never throw on it.
 */
export type Fields = Record<string, unknown>;

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const obj = (v: unknown): Fields | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** A change as the report shows it: one line. */
export interface ChangeView {
  action: string;
  target: string;
  detail?: string;
  count?: number;
}

export function changesOf(v: unknown): ChangeView[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((c) => {
    const f = obj(c);
    if (!f) return [];
    const detail = str(f.detail);
    const count = num(f.count);
    return [
      {
        action: str(f.action) ?? '?',
        target: str(f.target) ?? '?',
        ...(detail ? { detail } : {}),
        ...(count !== undefined ? { count } : {}),
      },
    ];
  });
}

export const changeLine = (c: ChangeView) => `${c.action} ${c.target}${c.detail ? `: ${c.detail}` : ''}`;

export const sameChange = (a: ChangeView, b: ChangeView) => a.action === b.action && a.target === b.target;

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * One line for a field of unknown shape (an artefact's `source` or `location`): a string as is;
 * an object by its uri/url/location first, then its other fields ("s3://b/k (versionId 3, etag e)").
 */
export function describeValue(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v))
    return v
      .map((x) => describeValue(x) ?? '')
      .filter(Boolean)
      .join(', ');
  const f = obj(v);
  if (!f) return scalar(v);
  const mainKey = ['uri', 'url', 'location', 's3'].find((k) => typeof f[k] === 'string');
  const rest = Object.entries(f)
    .filter(([k, x]) => k !== mainKey && x !== undefined && x !== null)
    .map(([k, x]) => `${k} ${obj(x) || Array.isArray(x) ? JSON.stringify(x) : scalar(x)}`);
  if (!mainKey) return rest.join(', ');
  return rest.length ? `${f[mainKey] as string} (${rest.join(', ')})` : (f[mainKey] as string);
}

/** An error field of a result or plan entry: its one-line text. */
export function errorText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const f = obj(v);
  if (!f) return undefined;
  return str(f.text) ?? ([str(f.code), str(f.message)].filter(Boolean).join(': ') || JSON.stringify(f));
}
