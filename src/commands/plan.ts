import { renderHeader, renderPlan } from '../output/render.js';
import { estimateCost } from '../runbook/estimate.js';
import { estimateLines } from '../runbook/estimate-text.js';
import { planSteps } from '../runbook/execute.js';
import { runPriceLookup } from '../runbook/price-list.js';
import { loadRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import { recordIdentities } from '../runbook/journal-identities.js';
import { openSession } from '../runbook/session.js';
import { headerIdentities, identityOptions } from './accounts.js';
import type { CommandEnv, CommandResult } from './env.js';

export interface PlanOptions {
  runbook: string;
  params: GivenParam[];
  exemptPrincipals: string[];
  concurrency: number;
}

/** `drp plan`: read-only clients only; what each step observed and would change. No journal. */
export async function planRunbook(opts: PlanOptions, env: CommandEnv): Promise<CommandResult> {
  const loaded = loadRunbook(opts.runbook);
  const session = await openSession(loaded, opts.params, {
    aws: env.aws,
    ...(await identityOptions(env)),
    incidentId: env.incidentId,
    exemptPrincipals: opts.exemptPrincipals,
    concurrency: opts.concurrency,
    writable: false,
    log: env.log,
    progress: env.progress,
    now: env.now,
  });
  const planned = await planSteps(session.steps, (step) => session.contextFor(step, 'plan'), env.log);
  const estimate = await estimateCost(planned, session.region, await runPriceLookup(env.aws));
  const header = renderHeader({
    runbook: loaded.runbook.name,
    incidentId: session.incidentId,
    accountId: session.caller.accountId,
    region: session.region,
    callerArn: session.caller.arn,
    dryRun: true,
    identities: headerIdentities(session),
    notes: session.identityNotes,
  });
  const failed = planned.some((s) => !s.plan);
  return {
    exitCode: failed ? 1 : 0,
    text: [`${header}\n\nPlan:\n${renderPlan(planned)}\n`, ...estimateLines(estimate)].join('\n'),
    json: {
      incidentId: session.incidentId,
      caller: session.caller,
      region: session.region,
      identities: recordIdentities(session.identities, session.used),
      steps: planned.map((s) => ({
        id: s.id,
        type: s.type,
        params: s.params,
        plan: s.plan,
        error: s.planError ? String(s.planError) : undefined,
      })),
      estimate,
    },
  };
}
