import * as z from 'zod';
import { code, text } from './markdown.js';

/** The parts of a JSON Schema (as zod 4 writes one) that say what a runbook author may write. */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** One field of a step's `with:` block, as steps.md lists it. */
export interface ParamDoc {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

const isBound = (n: number | undefined): n is number =>
  n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function range(min: number | undefined, max: number | undefined, unit = ''): string {
  if (isBound(min) && isBound(max)) return min === max ? `${min}${unit}` : `${min} to ${max}${unit}`;
  if (isBound(min)) return `at least ${min}${unit}`;
  if (isBound(max)) return `at most ${max}${unit}`;
  return '';
}

const qualified = (base: string, bounds: string) => (bounds ? `${base} (${bounds})` : base);

/** A type in words: `integer (1 to 36500)`, `list of string`, `one of GOVERNANCE, COMPLIANCE`. */
export function typeText(s: JsonSchema): string {
  if (s.anyOf) {
    const empty = s.anyOf.filter((o) => o.const === '');
    const others = s.anyOf.filter((o) => o.const !== '').map(typeText);
    return [...others, ...(empty.length ? [`${code("''")} (none)`] : [])].join(' or ');
  }
  if (s.enum) return `one of ${s.enum.map((v) => code(String(v))).join(', ')}`;
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  switch (s.type) {
    case 'array':
      return qualified(
        `list of ${s.items ? typeText(s.items) : 'any'}`,
        range(s.minItems, s.maxItems, ' items'),
      );
    case 'integer':
    case 'number':
      return qualified(s.type, range(s.minimum, s.maximum));
    case 'string':
      return qualified('string', range(s.minLength, s.maxLength, ' characters'));
    default:
      return s.type ?? 'any';
  }
}

/** The `with:` fields of a step's params schema, in declaration order, as the author writes them. */
export function paramDocs(schema: z.ZodType): ParamDoc[] {
  // io 'input': what a runbook may write (a field with a default is optional there).
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeText(field),
    required: (json.required ?? []).includes(name),
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(field.description ? { description: field.description } : {}),
  }));
}

/** "`bucket`: string (3 to 63 characters), required. The leaked bucket." */
export function paramLine(p: ParamDoc): string {
  const status = p.required
    ? 'required'
    : p.default !== undefined
      ? `default ${code(JSON.stringify(p.default))}`
      : 'optional';
  const description = p.description ? ` ${text(p.description.replace(/\.?$/, '.'))}` : '';
  return `${code(p.name)}: ${p.type}, ${status}.${description}`;
}
