import * as z from 'zod';
import type { LambdaFunctionUrl } from '../aws/lambda.js';
import { formatError } from '../errors.js';
import { LambdaFunctionRef } from '../names.js';
import { plural } from '../text.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { explain, IsolationError, isAccessDenied } from './lib/explain.js';
import {
  elsewhereMessage,
  missingFunctions,
  resolveFunctions,
  type LambdaTarget,
} from './lib/lambda-targets.js';
import { isPublicStatement } from './lib/public-policy.js';
import { retryOn } from './lib/retry.js';
import restore from './lambda-isolate.restore.js';

export interface FunctionObserved extends LambdaTarget {
  /** null: no reserved concurrency was set (the function drew on the account's unreserved pool). */
  reservedConcurrency: number | null;
  /** Resource-based policies as they were, by alias ('' is the function's own). */
  policies: Record<string, string>;
  urls: LambdaFunctionUrl[];
}

export interface Observed {
  functions: FunctionObserved[];
  /** Functions of other accounts, named in the params: not throttled by this run. */
  elsewhere: string[];
}

const Params = z
  .object({
    functions: z
      .array(LambdaFunctionRef)
      .default([])
      .describe(
        "Lambda functions to throttle: names (the run's account and region) or ARNs; a wildcard ARN matches every function of its region it fits",
      ),
  })
  .strict();

const was = (n: number | null) => (n === null ? 'none set' : String(n));

type Statement = Record<string, unknown>;
const statementsOf = (policy: string): Statement[] => {
  try {
    return [(JSON.parse(policy) as { Statement?: Statement | Statement[] }).Statement ?? []].flat();
  } catch {
    return [];
  }
};

/** What stays reachable until the throttle is on, and what the throttle does not change. */
function exposureNotes(f: FunctionObserved): string[] {
  const notes: string[] = [];
  for (const [alias, policy] of Object.entries(f.policies)) {
    // Lambda reads a resource policy as S3 does: an Allow to "*" no condition pins is anyone's.
    const open = statementsOf(policy).filter(isPublicStatement);
    if (open.length)
      notes.push(
        `${f.name}${alias ? `:${alias}` : ''}: its resource policy lets anyone invoke it (Sid ${open.map((s) => String(s.Sid ?? '(none)')).join(', ')}); the throttle stops those invocations, the policy is left as it is`,
      );
  }
  for (const url of f.urls.filter((u) => u.authType === 'NONE'))
    notes.push(
      `${f.name}${url.qualifier ? `:${url.qualifier}` : ''} has a function URL with auth type NONE (${url.url}): anyone can call it; throttled, it answers 429`,
    );
  return notes;
}

async function observe(ctx: StepContext, t: LambdaTarget) {
  const lambda = ctx.aws.lambda;
  const reservedConcurrency = await lambda.getReservedConcurrency(t.arn);
  if (reservedConcurrency === undefined) return undefined;
  const qualifiers = ['', ...(await lambda.listAliases(t.arn))];
  const policies: Record<string, string> = {};
  const urls: LambdaFunctionUrl[] = [];
  for (const q of qualifiers) {
    const policy = await lambda.getPolicy(t.arn, q || undefined);
    if (policy !== undefined) policies[q] = policy;
    const url = await lambda.getFunctionUrl(t.arn, q || undefined);
    if (url) urls.push(url);
  }
  return { ...t, reservedConcurrency, policies, urls } satisfies FunctionObserved;
}

function hintFor(err: unknown, f: FunctionObserved): string {
  const byHand = `throttle it by hand with "aws lambda put-function-concurrency --region ${f.region} --function-name ${f.arn} --reserved-concurrent-executions 0", or run drp contain again`;
  if (isAccessDenied(err))
    return `drp needs lambda:PutFunctionConcurrency on ${f.arn} (drp permissions lists it); ${byHand}`;
  return byHand;
}

export default defineStep({
  type: 'lambda-isolate',
  summary:
    'Throttle each Lambda function (reserved concurrency 0: every invocation, function URLs included, is refused; code, versions, aliases, triggers and policies are left as they are), recording its previous reserved concurrency, resource policies and function URLs',
  params: Params,
  permissions: [
    'lambda:ListFunctions',
    'lambda:GetFunctionConcurrency',
    'lambda:ListAliases',
    'lambda:GetPolicy',
    'lambda:GetFunctionUrlConfig',
    'lambda:PutFunctionConcurrency',
  ],
  example: {
    functions: ['arn:aws:lambda:us-east-1:123456789012:function:review-generator', 'media-resizer'],
  },

  async plan(ctx, { functions }) {
    const observed: Observed = { functions: [], elsewhere: [] };
    if (functions.length === 0)
      return {
        observed,
        changes: [],
        notes: ['no functions given (param functions is empty): nothing to throttle'],
      };
    const resolved = await resolveFunctions(ctx, functions);
    observed.elsewhere = resolved.elsewhere;
    const missing: LambdaTarget[] = [];
    for (const t of resolved.targets) {
      const o = await observe(ctx, t);
      if (o) observed.functions.push(o);
      else missing.push(t);
    }
    if (missing.length) throw missingFunctions(ctx, missing);
    const changes: Change[] = [];
    const notes = [...resolved.notes];
    for (const f of observed.functions) {
      notes.push(...exposureNotes(f));
      if (f.reservedConcurrency === 0) notes.push(`${f.name} is already throttled (reserved concurrency 0)`);
      else
        changes.push({
          action: 'put-function-concurrency',
          target: f.arn,
          detail: `reserved concurrency 0, every invocation throttled (was: ${was(f.reservedConcurrency)})`,
        });
    }
    if (observed.elsewhere.length) {
      // Nothing else to do: fail at the step's turn, so the summary shows what was not isolated.
      if (changes.length === 0)
        throw new IsolationError('FunctionInOtherAccount', elsewhereMessage(ctx, observed.elsewhere));
      notes.push(elsewhereMessage(ctx, observed.elsewhere));
    }
    return { observed, changes, notes };
  },

  async apply(ctx, _params, plan) {
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const throttled: { arn: string; before: number | null }[] = [];
    const failed: { f: FunctionObserved; err: unknown }[] = [];
    for (const f of plan.observed.functions.filter((o) => o.reservedConcurrency !== 0)) {
      try {
        // 409: the function is being updated (a deployment in flight); it takes seconds.
        const call = await retryOn(
          ['ResourceConflictException'],
          () => ctx.aws.lambda.putReservedConcurrency(f.arn, 0),
          {
            attempts: 4,
            pauseMs: 2_000,
          },
        );
        if (call.requestId) requestIds.push(call.requestId);
        throttled.push({ arn: f.arn, before: f.reservedConcurrency });
        changes.push({
          action: 'put-function-concurrency',
          target: f.arn,
          detail: `reserved concurrency 0 (was: ${was(f.reservedConcurrency)})`,
        });
      } catch (err) {
        failed.push({ f, err });
      }
    }
    const data = { throttled };
    const { elsewhere } = plan.observed;
    if (failed.length || elsewhere.length) {
      const others = [
        ...failed.slice(1).map(({ f, err }) => `${f.name}: ${formatError(err)}`),
        ...(elsewhere.length ? [elsewhereMessage(ctx, elsewhere)] : []),
      ];
      const done = `${plural(throttled.length, 'function')} throttled${others.length ? `; also ${others.join('; ')}` : ''}`;
      const first = failed[0];
      const cause = first
        ? explain(first.err, `${first.f.name} is not throttled: ${hintFor(first.err, first.f)}. (${done})`)
        : new IsolationError('FunctionInOtherAccount', `${elsewhereMessage(ctx, elsewhere)} (${done})`);
      throw new StepFailure({ changes, requestIds, data }, { cause });
    }
    return { changes, requestIds, data };
  },

  restore,
});
