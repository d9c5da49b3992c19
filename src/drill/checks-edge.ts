import type { Check, Verdict } from './checks.js';

const verdict = (verified: boolean, detail: string): Verdict => ({ verified, detail });

export const functionThrottled: Check = async ({ lambda }, { edge }) => {
  if (!edge) return verdict(false, 'no function was seeded');
  const reserved = await lambda.getReservedConcurrency(edge.functionArn);
  return reserved === 0
    ? verdict(
        true,
        `${edge.functionArn.split(':').at(-1)}: reserved concurrency 0, every invocation throttled`,
      )
    : verdict(false, `reserved concurrency is ${reserved ?? 'not set'}, not 0`);
};

export const apiStageThrottled: Check = async ({ apigateway }, { edge }) => {
  if (!edge) return verdict(false, 'no API was seeded');
  const stage = await apigateway.getStage(edge.restApiId, edge.stage);
  const all = stage?.methodSettings['*/*'];
  return all?.rateLimit === 0 && all.burstLimit === 0
    ? verdict(true, `${edge.restApiId}/${edge.stage}: every method rate 0, burst 0 (callers get 429)`)
    : verdict(
        false,
        `${edge.restApiId}/${edge.stage}: every method is rate ${all?.rateLimit ?? '-'}, burst ${all?.burstLimit ?? '-'}`,
      );
};

export const cdnInvalidated: Check = async ({ cloudfront }, { edge, incidentId }) => {
  if (!edge) return verdict(false, 'no distribution was seeded');
  for (const { id } of await cloudfront.listInvalidations(edge.distributionId)) {
    const i = await cloudfront.getInvalidation(edge.distributionId, id);
    if (i.paths.includes('/*') && i.callerReference.startsWith(`drp-${incidentId}-`))
      return /^completed$/i.test(i.status)
        ? verdict(true, `${edge.distributionId}: invalidation ${id} of /* completed`)
        : verdict(false, `${edge.distributionId}: invalidation ${id} of /* is ${i.status}`);
  }
  return verdict(false, `${edge.distributionId} has no invalidation of /* by drp for ${incidentId}`);
};

/** The edge controls (issue 17), in runbook order, with the step that puts each in place. */
export const EDGE_CHECKS: { control: string; stepId: string; check: Check }[] = [
  { control: 'Lambda function throttled', stepId: 'lambda-isolate', check: functionThrottled },
  { control: 'API stage throttled', stepId: 'apigateway-isolate', check: apiStageThrottled },
  { control: 'CDN cache invalidated', stepId: 'cloudfront-invalidate', check: cdnInvalidated },
];
