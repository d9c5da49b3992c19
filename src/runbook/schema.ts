import * as z from 'zod';
// Evaluated first: it turns zod's JIT off before the schemas below are built.
import '../steps/define.js';
import type { AnyStep } from '../steps/define.js';

export const PARAM_TYPES = ['string', 'integer', 'boolean', 'list'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ParamValue = string | number | boolean | string[];

const valueOfType: Record<ParamType, z.ZodType> = {
  string: z.string(),
  integer: z.number().int(),
  boolean: z.boolean(),
  list: z.array(z.string()),
};

export const ParamSpec = z
  .object({
    type: z.enum(PARAM_TYPES),
    required: z.boolean().default(false),
    default: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.default !== undefined && !valueOfType[spec.type].safeParse(spec.default).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `default does not match type ${spec.type}`,
      });
    }
    if (spec.default !== undefined && spec.required) {
      ctx.addIssue({
        code: 'custom',
        path: ['required'],
        message: 'a param with a default cannot be required',
      });
    }
  });
export type ParamSpec = z.output<typeof ParamSpec>;

const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a step id is lowercase letters, digits and hyphens');
const ParamName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'a param name is a letter then letters, digits or _');

/**
 * The runbook document. Steps are a discriminated union on `type`, one option per registered
 * step; their `with:` blocks hold templates, so they are checked against each step's own params
 * schema separately (see validate.ts), once statically and again after substitution.
 */
export function runbookSchema(registry: readonly AnyStep[]) {
  const stepOptions = registry.map((step) =>
    z
      .object({
        id: StepId,
        type: z.literal(step.type),
        description: z.string().optional(),
        with: z.record(z.string(), z.unknown()).default({}),
        onError: z.enum(['stop', 'continue']).default('stop'),
      })
      .strict(),
  );
  const [first, ...rest] = stepOptions;
  if (!first) throw new Error('the step registry is empty');
  return z
    .object({
      apiVersion: z.literal('drp/v1'),
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a runbook name is lowercase letters, digits and hyphens'),
      description: z.string().min(1),
      params: z.record(ParamName, ParamSpec).default({}),
      steps: z
        .array(z.discriminatedUnion('type', [first, ...rest]))
        .min(1, 'a runbook has at least one step'),
    })
    .strict();
}

export type Runbook = z.output<ReturnType<typeof runbookSchema>>;
export type RunbookStep = Runbook['steps'][number];
