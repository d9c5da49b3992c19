import { defineRestore, StepFailure, type Change } from './define.js';
import { explain } from './lib/explain.js';
import type { FunctionObserved, Observed } from './lambda-isolate.js';

interface Live {
  arn: string;
  reservedConcurrency: number | null;
}

/** The functions the run throttled: from its result, or (a run cut off mid-step) every one it meant to. */
function throttledBy(observed: Observed, data: unknown): FunctionObserved[] {
  const done = (data as { throttled?: { arn: string }[] } | undefined)?.throttled;
  const meant = observed.functions.filter((f) => f.reservedConcurrency !== 0);
  return done ? meant.filter((f) => done.some((d) => d.arn === f.arn)) : meant;
}

const hint = (f: FunctionObserved) =>
  `Lambda keeps part of the account's concurrency unreserved (100, or less in a new account), and putting back ${f.name}'s reserved concurrency of ${f.reservedConcurrency} would go below it: lower another function's reserved concurrency or ask for a higher concurrency quota, then run drp restore again; or let it use the unreserved pool with "aws lambda delete-function-concurrency --region ${f.region} --function-name ${f.arn}"`;

/**
 * Puts each function's reserved concurrency back as the run found it: the old value, or no
 * setting at all (DeleteFunctionConcurrency, the one removal drp makes here) when there was none.
 */
export default defineRestore<unknown, Observed>({
  permissions: [
    'lambda:GetFunctionConcurrency',
    'lambda:PutFunctionConcurrency',
    'lambda:DeleteFunctionConcurrency',
  ],

  async plan(ctx, { plan: { observed }, result }) {
    const live: Live[] = [];
    const changes: Change[] = [];
    const drift: string[] = [];
    const notes: string[] = [];
    for (const f of throttledBy(observed, result?.data)) {
      const now = await ctx.aws.lambda.getReservedConcurrency(f.arn);
      if (now === undefined) {
        notes.push(`${f.name} no longer exists: nothing to put back`);
        continue;
      }
      live.push({ arn: f.arn, reservedConcurrency: now });
      if (now === f.reservedConcurrency) continue;
      if (now !== 0)
        drift.push(
          `${f.name}: reserved concurrency is ${now ?? 'not set'} now, not 0 as drp left it (changed since)`,
        );
      changes.push(
        f.reservedConcurrency === null
          ? {
              action: 'delete-function-concurrency',
              target: f.arn,
              detail: 'it had no reserved concurrency before drp',
            }
          : { action: 'put-function-concurrency', target: f.arn, detail: `back to ${f.reservedConcurrency}` },
      );
    }
    return {
      observed: { functions: live },
      before: observed.functions.map((f) => ({ arn: f.arn, reservedConcurrency: f.reservedConcurrency })),
      changes,
      drift,
      kept: [],
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, { plan: { observed } }, plan) {
    const changes: Change[] = [];
    const requestIds: string[] = [];
    for (const change of plan.changes) {
      const f = observed.functions.find((o) => o.arn === change.target)!;
      try {
        const call =
          f.reservedConcurrency === null
            ? await ctx.aws.lambda.deleteReservedConcurrency(f.arn)
            : await ctx.aws.lambda.putReservedConcurrency(f.arn, f.reservedConcurrency);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(change);
      } catch (err) {
        const cause = (err as Error).name === 'InvalidParameterValueException' ? explain(err, hint(f)) : err;
        throw new StepFailure({ changes, requestIds }, { cause });
      }
    }
    return { changes, requestIds };
  },
});
