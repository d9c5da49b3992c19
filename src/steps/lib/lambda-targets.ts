import { UserError } from '../../errors.js';
import { partitionOf } from '../../names.js';
import { arnLike } from './arn-like.js';
import type { StepContext } from '../define.js';

/** A function lambda-isolate acts on: its unqualified ARN, and where that is. */
export interface LambdaTarget {
  arn: string;
  name: string;
  region: string;
}

export interface ResolvedFunctions {
  targets: LambdaTarget[];
  /** ARNs in another account than the caller's: these credentials cannot throttle them. */
  elsewhere: string[];
  notes: string[];
}

const WILDCARD = /[*?]/;

/** arn:P:lambda:R:A:function:NAME[:QUALIFIER] -> its parts. */
function partsOf(arn: string) {
  const [, partition = 'aws', , region = '', account = '', , name = '', qualifier] = arn.split(':');
  return { partition, region, account, name, qualifier };
}

/**
 * The functions `refs` name: a bare name is a function of the run's account and region; an ARN
 * (its version or alias dropped: reserved concurrency is the whole function's) names its own
 * region; a wildcard ARN, as the SCP takes it, every function of its region that it matches. A
 * function named exactly that does not exist is the operator's to fix (exit 2, nothing changed).
 */
export async function resolveFunctions(
  ctx: StepContext,
  refs: readonly string[],
): Promise<ResolvedFunctions> {
  const byArn = new Map<string, LambdaTarget>();
  const elsewhere: string[] = [];
  const notes: string[] = [];
  const partition = partitionOf(ctx.caller.principalArn);
  for (const ref of refs) {
    const arn = ref.startsWith('arn:')
      ? ref
      : `arn:${partition}:lambda:${ctx.region}:${ctx.caller.accountId}:function:${ref}`;
    const p = partsOf(arn);
    const unqualified = `arn:${p.partition}:lambda:${p.region}:${p.account}:function:${p.name}`;
    if (p.account !== ctx.caller.accountId) {
      elsewhere.push(ref);
      continue;
    }
    if (p.qualifier)
      notes.push(
        `${ref}: reserved concurrency is the whole function's, so every version and alias of ${p.name} is throttled, not ${p.qualifier} alone`,
      );
    if (WILDCARD.test(p.name)) {
      const matched = (await ctx.aws.lambda.listFunctions(p.region)).filter((f) =>
        arnLike(unqualified, f.arn),
      );
      if (matched.length === 0)
        notes.push(`${ref} matches no function in ${p.region}: nothing to throttle for it`);
      for (const f of matched) byArn.set(f.arn, { arn: f.arn, name: f.name, region: p.region });
      continue;
    }
    byArn.set(unqualified, { arn: unqualified, name: p.name, region: p.region });
  }
  return { targets: [...byArn.values()], elsewhere, notes };
}

/** A named function that does not exist: exit 2 before any change. */
export function missingFunctions(ctx: StepContext, missing: LambdaTarget[]): UserError {
  return new UserError(
    `--function / param functions: no Lambda function ${missing.map((m) => `"${m.name}" (${m.region})`).join(', ')} in account ${ctx.caller.accountId}`,
  );
}

/** Why functions of other accounts were not throttled, and what to do. */
export function elsewhereMessage(ctx: StepContext, elsewhere: readonly string[]): string {
  return `not throttled: ${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} in another account than the caller's (${ctx.caller.accountId}), whose credentials cannot change it; run drp contain with that account's credentials and --function for it (the SCP still denies it to the organization's principals)`;
}
