import { describe, expect, it } from 'vitest';
import type { DrillReadPorts } from '../../../src/aws/drill.js';
import { runCheck, type CheckTarget } from '../../../src/drill/checks.js';
import { apiStageThrottled, cdnInvalidated, functionThrottled } from '../../../src/drill/checks-edge.js';
import { deepfakeS3Leak } from '../../../src/drill/scenario.js';
import { edgePorts } from '../../support/drill-edge-ports.js';

const INCIDENT = 'DRILL-20261125-030000-ab12';
const target = {
  scenario: deepfakeS3Leak('t001'),
  incidentId: INCIDENT,
  edge: {
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:review-generator',
    functionUrl: '',
    restApiId: 'a1b2c3d4e5',
    stage: 'prod',
    distributionId: 'E1CDN',
    distributionDomain: 'd1.cloudfront.net',
    containArgs: [],
  },
} as unknown as CheckTarget;
const check = (c: Parameters<typeof runCheck>[0]['check'], over: Parameters<typeof edgePorts>[1]) =>
  runCheck({ control: 'x', check: c }, edgePorts(INCIDENT, over) as unknown as DrillReadPorts, target);

describe('drill edge checks: a control not in place is NOT verified, saying what was found', () => {
  it('a function whose reserved concurrency is not 0 (or not set)', async () => {
    expect(
      await check(functionThrottled, { lambda: { getReservedConcurrency: async () => null } }),
    ).toMatchObject({
      verified: false,
      detail: 'reserved concurrency is not set, not 0',
    });
  });

  it('a stage whose every-method throttle is not 0', async () => {
    const stage = { name: 'prod', methodSettings: { '*/*': { rateLimit: 100, burstLimit: 0 } } };
    expect(await check(apiStageThrottled, { apigateway: { getStage: async () => stage } })).toMatchObject({
      verified: false,
      detail: 'a1b2c3d4e5/prod: every method is rate 100, burst 0',
    });
  });

  it("a distribution with no invalidation of /* by drp for this incident (someone else's does not count)", async () => {
    const theirs = { id: 'I9', status: 'Completed', paths: ['/*'], callerReference: 'deploy-42' };
    expect(
      await check(cdnInvalidated, { cloudfront: { getInvalidation: async () => theirs } }),
    ).toMatchObject({ verified: false, detail: `E1CDN has no invalidation of /* by drp for ${INCIDENT}` });
  });

  it('an invalidation still in progress', async () => {
    const running = { id: 'I1', status: 'InProgress', paths: ['/*'], callerReference: `drp-${INCIDENT}-x-1` };
    expect(
      await check(cdnInvalidated, { cloudfront: { getInvalidation: async () => running } }),
    ).toMatchObject({
      verified: false,
      detail: 'E1CDN: invalidation I1 of /* is InProgress',
    });
  });
});
