import type { HttpStage } from '../../aws/apigatewayv2.js';
import type { RestStage } from '../../aws/api-gateway.js';
import { UserError } from '../../errors.js';
import type { StepContext } from '../define.js';

/** One stage apigateway-isolate throttles, as it was found. */
export type FoundStage =
  | ({ kind: 'rest'; apiId: string; region: string } & RestStage)
  | ({ kind: 'http'; apiId: string; region: string } & HttpStage);

export interface ResolvedStages {
  stages: FoundStage[];
  /** APIs of other accounts, as given: these credentials cannot throttle them. */
  elsewhere: string[];
  notes: string[];
}

interface ApiRefParts {
  ref: string;
  id: string;
  /** undefined or '*': every stage. */
  stage?: string;
  region: string;
  account: string;
  /** The ARN named a method or path: API Gateway isolates whole stages. */
  narrower: boolean;
}

function parse(ctx: StepContext, ref: string): ApiRefParts {
  if (!ref.startsWith('arn:')) {
    const [id = '', stage] = ref.split('/');
    return { ref, id, stage, region: ctx.region, account: ctx.caller.accountId, narrower: false };
  }
  const [, , , region = '', account = '', resource = ''] = ref.split(':');
  const [id = '', stage, ...rest] = resource.split('/');
  return { ref, id, stage, region, account, narrower: rest.some((r) => r !== '*' && r !== '') };
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** The stages of one API, REST first (ids are unique across both kinds in a region). */
async function stagesOf(ctx: StepContext, id: string, region: string): Promise<FoundStage[] | undefined> {
  const rest = await ctx.aws.apigateway.getStages(id, region);
  if (rest) return rest.map((s) => ({ kind: 'rest' as const, apiId: id, region, ...s }));
  const http = await ctx.aws.apigatewayv2.getStages(id, region);
  return http?.map((s) => ({ kind: 'http' as const, apiId: id, region, ...s }));
}

async function idsMatching(ctx: StepContext, pattern: string, region: string): Promise<string[]> {
  const re = glob(pattern);
  const [rest, http] = await Promise.all([
    ctx.aws.apigateway.listRestApis(region),
    ctx.aws.apigatewayv2.listApis(region),
  ]);
  return [...rest, ...http].map((a) => a.id).filter((id) => re.test(id));
}

/**
 * The stages `refs` name. An id (or a wildcard id, as the SCP takes it) without a stage means
 * every stage of the API. An API or stage named exactly that does not exist is the operator's to
 * fix (exit 2, nothing changed).
 */
export async function resolveStages(ctx: StepContext, refs: readonly string[]): Promise<ResolvedStages> {
  const found = new Map<string, FoundStage>();
  const elsewhere: string[] = [];
  const notes: string[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    const p = parse(ctx, ref);
    if (p.account !== ctx.caller.accountId) {
      elsewhere.push(ref);
      continue;
    }
    if (p.narrower)
      notes.push(
        `${ref}: API Gateway throttles whole stages here, so every method of stage ${p.stage} is throttled`,
      );
    const wildcard = /[*?]/.test(p.id);
    const ids = wildcard ? await idsMatching(ctx, p.id, p.region) : [p.id];
    if (wildcard && ids.length === 0)
      notes.push(`${ref} matches no API in ${p.region}: nothing to throttle for it`);
    for (const id of ids) {
      const stages = await stagesOf(ctx, id, p.region);
      if (!stages) {
        missing.push(`no API "${id}" in ${p.region}`);
        continue;
      }
      const wanted = p.stage && p.stage !== '*' ? stages.filter((s) => glob(p.stage!).test(s.name)) : stages;
      if (p.stage && p.stage !== '*' && !/[*?]/.test(p.stage) && wanted.length === 0)
        missing.push(`API ${id} (${p.region}) has no stage "${p.stage}"`);
      if (wanted.length === 0 && stages.length === 0) notes.push(`API ${id} has no stage: nothing serves it`);
      for (const s of wanted) found.set(`${s.region}/${s.apiId}/${s.name}`, s);
    }
  }
  if (missing.length)
    throw new UserError(`--api / param apis: ${missing.join('; ')} (account ${ctx.caller.accountId})`);
  return { stages: [...found.values()], elsewhere, notes };
}

export function elsewhereMessage(ctx: StepContext, elsewhere: readonly string[]): string {
  return `not throttled: ${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} in another account than the caller's (${ctx.caller.accountId}), whose credentials cannot change it; run drp contain with that account's credentials and --api for it (the SCP still denies it to the organization's principals)`;
}
