import type { ParamValue } from './schema.js';

/**
 * `${{ params.NAME }}` and `${{ context.NAME }}`: the whole language. A string that is exactly one
 * reference takes the referenced value with its type (a list stays a list); a reference inside a
 * longer string is spliced in as text. Substitution is one pass, so a value that itself contains
 * `${{ }}` stays literal: operator input is never evaluated.
 */
export const CONTEXT_KEYS = [
  'incidentId',
  'accountId',
  'region',
  'callerArn',
  'principalArn',
  'evidenceBucket',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export interface Ref {
  scope: 'params' | 'context';
  name: string;
}

export type Path = (string | number)[];

export interface TemplateUse {
  path: Path;
  refs: Ref[];
  /** The string is exactly one reference. */
  whole: boolean;
}

const REFERENCE = /\$\{\{([^{}]*)\}\}/g;
const WHOLE = /^\$\{\{([^{}]*)\}\}$/;
const NAME = /^\s*(params|context)\.([A-Za-z][A-Za-z0-9_]*)\s*$/;

export class TemplateError extends Error {
  constructor(
    readonly path: Path,
    message: string,
  ) {
    super(message);
  }
}

function parseRef(expression: string, path: Path): Ref {
  const m = NAME.exec(expression);
  if (!m) {
    throw new TemplateError(
      path,
      `unsupported expression "\${{${expression}}}": use \${{ params.NAME }} or \${{ context.NAME }}`,
    );
  }
  return { scope: m[1] as Ref['scope'], name: m[2]! };
}

function refsIn(text: string, path: Path): Ref[] {
  const refs = [...text.matchAll(REFERENCE)].map((m) => parseRef(m[1]!, path));
  if (text.replace(REFERENCE, '').includes('${{'))
    throw new TemplateError(path, 'unclosed "${{": a reference ends with "}}"');
  return refs;
}

/** Every string in `value` that holds a reference, with its path. */
export function findTemplates(value: unknown, path: Path = []): TemplateUse[] {
  if (typeof value === 'string') {
    const refs = refsIn(value, path);
    return refs.length ? [{ path, refs, whole: WHOLE.test(value) }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findTemplates(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => findTemplates(v, [...path, k]));
  }
  return [];
}

export interface Scope {
  params: Record<string, ParamValue | undefined>;
  context: Partial<Record<ContextKey, string>>;
}

function lookup(ref: Ref, scope: Scope, path: Path): ParamValue {
  const values: Record<string, unknown> = ref.scope === 'params' ? scope.params : scope.context;
  // Own properties only: `${{ params.constructor }}` must not find Object's constructor.
  const value = Object.hasOwn(values, ref.name) ? (values[ref.name] as ParamValue | undefined) : undefined;
  if (value === undefined) throw new TemplateError(path, `\${{ ${ref.scope}.${ref.name} }} has no value`);
  return value;
}

/** A copy of `value` with every reference replaced. */
export function substitute(value: unknown, scope: Scope, path: Path = []): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(parseRef(whole[1]!, path), scope, path);
    refsIn(value, path);
    return value.replace(REFERENCE, (_, expression: string) => {
      const v = lookup(parseRef(expression, path), scope, path);
      if (Array.isArray(v))
        throw new TemplateError(path, 'a list param can only be used as a whole value, not inside text');
      return String(v);
    });
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => spread(substitute(v, scope, [...path, i]), v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scope, [...path, k])]));
  }
  return value;
}

// Inside a list, a whole-value reference to a list param splices its items: [a, "${{ params.more }}"].
function spread(resolved: unknown, original: unknown): unknown[] {
  return Array.isArray(resolved) && typeof original === 'string' ? resolved : [resolved];
}
