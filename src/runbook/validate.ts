import type * as z from 'zod';
import type { AnyStep } from '../steps/define.js';
import { runbookSchema, type ParamSpec, type ParamType, type ParamValue, type Runbook } from './schema.js';
import { CONTEXT_KEYS, findTemplates, TemplateError, type Path, type Scope, substitute } from './template.js';

export interface Problem {
  path: Path;
  message: string;
}

/** steps[1].with.bucket */
export function formatPath(path: Path): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(document)'
  );
}

type Issue = z.ZodError['issues'][number];

/** The value at `path` in the parsed YAML, for messages that name what was found. */
function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    data,
  );
}

export function zodProblems(issues: Issue[], data: unknown, base: Path = []): Problem[] {
  return issues.map((issue) => {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'invalid_union' && 'discriminator' in issue) {
      const options = (issue as { options?: unknown[] }).options ?? [];
      // zod points at the discriminator itself (steps[0].type).
      const at = issue.path as Path;
      const found = valueAt(data, at[at.length - 1] === 'type' ? at : [...at, 'type']);
      const named =
        typeof found === 'string' ? `unknown step type "${found}"` : 'missing or non-text step type';
      return { path, message: `${named}; valid types: ${options.join(', ')}` };
    }
    if (issue.code === 'unrecognized_keys') {
      return {
        path,
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    }
    if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
      return { path, message: `missing required field (expected ${issue.expected})` };
    }
    return { path, message: issue.message };
  });
}

const SAMPLE: Record<ParamType, ParamValue> = {
  string: 'sample',
  integer: 1,
  boolean: false,
  list: ['sample'],
};

const startsWith = (path: Path, prefix: Path) => prefix.every((p, i) => path[i] === p);

/**
 * Checks a parsed runbook without any param values: the document shape, step types, duplicate
 * ids, references to undeclared params or unknown context keys, and each step's `with:` against
 * the step's own schema. Fields that hold a reference are checked after substitution (at plan time).
 */
export function validateDocument(
  data: unknown,
  registry: readonly AnyStep[],
): { runbook?: Runbook; problems: Problem[] } {
  const parsed = runbookSchema(registry).safeParse(data);
  if (!parsed.success) return { problems: zodProblems(parsed.error.issues, data) };
  const runbook = parsed.data;
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  runbook.steps.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first !== undefined)
      problems.push({
        path: ['steps', i, 'id'],
        message: `duplicate step id "${step.id}" (also steps[${first}])`,
      });
    else seen.set(step.id, i);
    problems.push(...checkStepWith(runbook, registry, i));
  });
  return problems.length ? { problems } : { runbook, problems };
}

function checkStepWith(runbook: Runbook, registry: readonly AnyStep[], index: number): Problem[] {
  const step = runbook.steps[index]!;
  const base: Path = ['steps', index, 'with'];
  const definition = registry.find((s) => s.type === step.type)!;
  const problems: Problem[] = [];
  let templated: Path[];
  try {
    const uses = findTemplates(step.with);
    templated = uses.map((u) => u.path);
    for (const use of uses) {
      for (const ref of use.refs) {
        if (ref.scope === 'params' && !Object.hasOwn(runbook.params, ref.name)) {
          const declared = Object.keys(runbook.params);
          problems.push({
            path: [...base, ...use.path],
            message: `\${{ params.${ref.name} }} refers to an undeclared param; declared: ${declared.join(', ') || '(none)'}`,
          });
        }
        if (ref.scope === 'context' && !(CONTEXT_KEYS as readonly string[]).includes(ref.name)) {
          problems.push({
            path: [...base, ...use.path],
            message: `unknown context key "${ref.name}"; valid: ${CONTEXT_KEYS.join(', ')}`,
          });
        }
      }
    }
  } catch (err) {
    if (err instanceof TemplateError) return [{ path: [...base, ...err.path], message: err.message }];
    throw err;
  }
  if (problems.length) return problems;
  const sample = substitute(step.with, sampleScope(runbook.params));
  const result = definition.params.safeParse(sample);
  if (result.success) return [];
  // A field holding a reference is judged after substitution, when its value is known.
  const decidedNow = result.error.issues.filter((issue: Issue) => {
    const path = issue.path as Path;
    return !templated.some(
      (t) => startsWith(path, t) || (issue.code !== 'unrecognized_keys' && startsWith(t, path)),
    );
  });
  return zodProblems(decidedNow, sample, base);
}

function sampleScope(params: Record<string, ParamSpec>): Scope {
  return {
    params: Object.fromEntries(
      Object.entries(params).map(([name, spec]) => [name, spec.default ?? SAMPLE[spec.type]]),
    ),
    context: Object.fromEntries(CONTEXT_KEYS.map((k) => [k, 'sample'])),
  };
}

/** Substitutes real values into one step's `with:` and parses it with the step's schema. */
export function resolveStepParams(
  definition: AnyStep,
  rawWith: unknown,
  scope: Scope,
  base: Path,
): { params?: unknown; problems: Problem[] } {
  let value: unknown;
  try {
    value = substitute(rawWith, scope);
  } catch (err) {
    if (err instanceof TemplateError)
      return { problems: [{ path: [...base, ...err.path], message: err.message }] };
    throw err;
  }
  const result = definition.params.safeParse(value);
  return result.success
    ? { params: result.data, problems: [] }
    : { problems: zodProblems(result.error.issues, value, base) };
}
