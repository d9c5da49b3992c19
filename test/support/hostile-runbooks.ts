import fc from 'fast-check';
import { stringify } from 'yaml';
import { registry } from '../../src/steps/index.js';

/**
 * Generators of runbooks for property tests: valid ones built from the step registry, and the
 * same mutated the ways an attacker or a tired engineer would (wrong types, unknown keys, huge
 * values, deep nesting, aliases, a billion laughs, bytes that are not UTF-8, `${{ }}` injections).
 * Shared by the in-process properties and the ones that spawn `drp validate`.
 */
export type Doc = Record<string, unknown>;

/** Names that are properties of every JS object: a lookup with `in` or `obj[name]` finds them. */
export const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

const paramName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/),
  fc.constantFrom(...PROTOTYPE_NAMES),
);

const paramSpec = fc.oneof(
  fc.record({ type: fc.constant('string'), required: fc.boolean() }),
  fc.record({ type: fc.constant('integer'), default: fc.integer() }),
  fc.record({ type: fc.constant('boolean'), default: fc.boolean() }),
  fc.record({ type: fc.constant('list'), default: fc.array(fc.string(), { maxLength: 3 }) }),
);

/** A runbook that must validate: registry steps with their own examples, bucket fields templated. */
export const validRunbook: fc.Arbitrary<Doc> = fc
  .record({
    name: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
    description: fc.string({ minLength: 1, unit: 'grapheme' }),
    params: fc.dictionary(paramName, paramSpec, { maxKeys: 4 }),
    steps: fc.array(fc.constantFrom(...registry), { minLength: 1, maxLength: 4 }),
    onError: fc.array(fc.constantFrom('stop', 'continue'), { minLength: 4, maxLength: 4 }),
  })
  .map(({ name, description, params, steps, onError }) => ({
    apiVersion: 'drp/v1',
    name,
    description,
    params: { ...params, bucket: { type: 'string', required: true } },
    steps: steps.map((step, i) => {
      const example = { ...(step.example as Record<string, unknown>) };
      if ('bucket' in example) example.bucket = '${{ params.bucket }}';
      return { id: `step-${i}`, type: step.type, onError: onError[i], with: example };
    }),
  }));

/** Every path to a value in a document, so a mutation can pick one. */
export function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = path.length ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  return here;
}

function setAt(
  doc: Doc,
  path: (string | number)[],
  update: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  const copy = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  update(node, path.at(-1)!);
  return copy;
}

const nest = (value: unknown, depth: number, map: boolean): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = map ? { a: v } : [v];
  return v;
};

/** Strings a template or a name field should never be fooled by. */
export const injection = fc.oneof(
  fc.constantFrom(
    '${{ params.constructor }}',
    '${{ params.__proto__ }}',
    '${{ context.toString }}',
    '${{ params.${{ params.bucket }} }}',
    '${{',
    '}}${{',
    '${{ process.env.AWS_SECRET_ACCESS_KEY }}',
    '${{ params.bucket }}${{ params.bucket }}',
    '$(rm -rf /)',
    '`id`',
    "'; DROP TABLE runbooks; --",
    '../../../../etc/passwd',
    '\u202Egnp.exe',
  ),
  fc.string().map((s) => `\${{ ${s} }}`),
);

const hugeValue = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => `v${i}`)),
);

/** A valid runbook changed in one of the ways that must give a clear exit 2 (or still validate). */
export const mutatedRunbook: fc.Arbitrary<{ doc: Doc; mutation: string }> = fc
  .tuple(
    validRunbook,
    fc.nat(),
    fc.nat({ max: 7 }),
    fc.anything(),
    injection,
    hugeValue,
    // Deeper documents cannot even be serialised here; hostileText writes them as text.
    fc.nat({ max: 100 }),
  )
  .map(([doc, pick, kind, anything, inject, huge, depth]) => {
    const paths = pathsOf(doc);
    const path = paths[pick % paths.length]!;
    switch (kind) {
      case 0:
        return {
          doc: setAt(doc, path, (p, k) => (p[k] = anything)),
          mutation: `wrong type at ${path.join('.')}`,
        };
      case 1:
        return { doc: setAt(doc, path, (p, k) => void delete p[k]), mutation: `deleted ${path.join('.')}` };
      case 2:
        return {
          doc: setAt(doc, path, (p, k) => (p[k] = { ...(p[k] as object), unexpected: 1 })),
          mutation: `unknown key under ${path.join('.')}`,
        };
      case 3:
        return {
          doc: setAt(doc, path, (p, k) => (p[k] = inject)),
          mutation: `injection at ${path.join('.')}`,
        };
      case 4:
        return {
          doc: setAt(doc, path, (p, k) => (p[k] = huge)),
          mutation: `huge value at ${path.join('.')}`,
        };
      case 5:
      case 6:
        return {
          doc: setAt(doc, path, (p, k) => (p[k] = nest(p[k], depth, kind === 5))),
          mutation: `nested ${depth} deep at ${path.join('.')}`,
        };
      default:
        return {
          doc: { ...doc, [PROTOTYPE_NAMES[pick % PROTOTYPE_NAMES.length]!]: anything },
          mutation: 'prototype key',
        };
    }
  });

/** A billion laughs: ten levels of nine aliases each, 9^9 strings if expanded. */
export function billionLaughs(levels = 9): string {
  const lines = ['lol0: &lol0 "lol"'];
  for (let i = 1; i <= levels; i++)
    lines.push(`lol${i}: &lol${i} [${Array.from({ length: 9 }, () => `*lol${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\napiVersion: drp/v1\nname: laughs\ndescription: *lol${levels}\nsteps: []\n`;
}

/** YAML text of a document, then changed as text: aliases, laughs, cut short, stray bytes. */
export const hostileText: fc.Arbitrary<{ bytes: Buffer; mutation: string }> = fc
  .tuple(
    fc.oneof(
      validRunbook,
      mutatedRunbook.map((m) => m.doc),
    ),
    fc.nat({ max: 6 }),
    fc.nat(),
    fc.uint8Array({ minLength: 1, maxLength: 16 }),
  )
  .map(([doc, kind, at, bytes]) => {
    const text = stringify(doc);
    const cut = at % (text.length + 1);
    switch (kind) {
      case 0:
        return { bytes: Buffer.from(text), mutation: 'as serialised' };
      case 1:
        return { bytes: Buffer.from(`${billionLaughs(2 + (at % 8))}${text}`), mutation: 'billion laughs' };
      case 2:
        // Every step shares one anchored `with:` block through aliases (legal, and small).
        return {
          bytes: Buffer.from(
            text
              .replace(/with:/, 'with: &shared')
              .replace(/(\n\s+)with:(?! &)[^\n]*(\n\1\s+[^\n]*)*/g, '$1with: *shared'),
          ),
          mutation: 'anchors and aliases',
        };
      case 3:
        return { bytes: Buffer.from(text.slice(0, cut)), mutation: `cut at ${cut}` };
      case 4:
        return {
          bytes: Buffer.concat([
            Buffer.from(text.slice(0, cut)),
            Buffer.from(bytes),
            Buffer.from(text.slice(cut)),
          ]),
          mutation: `bytes ${Buffer.from(bytes).toString('hex')} at ${cut}`,
        };
      case 5: {
        // Deeper than a serialiser can write, so written as text, inside a step's with: block
        // (the part drp walks itself, for templates) or at the top: [[[ ... ]]] or {a: {a: ...}}.
        const depth = 1 + (at % 5000);
        const [open, close] = at % 2 ? ['[', ']'] : ['{a: ', '}'];
        const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const inWith = text.replace(/(\n\s*with:\n)(\s+)/, `$1$2deep: ${deep}\n$2`);
        return {
          bytes: Buffer.from(inWith === text ? `${text}deep: ${deep}\n` : inWith),
          mutation: `text nested ${depth} deep`,
        };
      }
      default:
        return {
          bytes: Buffer.from(
            `${text.slice(0, cut)}${['[', '{', '&a', '*a', ': ', '- ', '!!binary', '%YAML 1.1', '---', '"'][at % 10]}${text.slice(cut)}`,
          ),
          mutation: `syntax at ${cut}`,
        };
    }
  });
