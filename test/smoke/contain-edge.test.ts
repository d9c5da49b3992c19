import { join } from 'node:path';
import { APIGatewayClient, GetStageCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFrontClient,
  GetInvalidationCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateWebACLCommand, GetWebACLCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDrillSeedEdgePort } from '../../src/aws/drill-seed-edge.js';
import { emulatorClients, seedLambdaRole, seedOrganization } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const lambda = new LambdaClient(config);
const apigateway = new APIGatewayClient(config);
const cloudfront = new CloudFrontClient(config);
const waf = new WAFV2Client(config);
const ACCOUNT = '123456789012';
const bucket = 'leaked-reviews-media';
const incident = 'INC-EDGE-1';

/** What the edge containment changes, read from the emulator as anyone could. */
async function edgeState(s: {
  functionArn: string;
  apiId: string;
  distributionId: string;
  acl: { Name: string; Id: string };
}) {
  const [concurrency, stage, invalidations, acl] = await Promise.all([
    lambda
      .send(new GetFunctionConcurrencyCommand({ FunctionName: s.functionArn }))
      .then((o) => o.ReservedConcurrentExecutions),
    apigateway
      .send(new GetStageCommand({ restApiId: s.apiId, stageName: 'prod' }))
      .then((o) => o.methodSettings ?? {}),
    cloudfront
      .send(new ListInvalidationsCommand({ DistributionId: s.distributionId }))
      .then((o) => o.InvalidationList?.Items ?? []),
    waf.send(new GetWebACLCommand({ ...s.acl, Scope: 'REGIONAL' })).then((o) => o.WebACL?.Rules ?? []),
  ]);
  const throttles = Object.fromEntries(
    Object.entries(stage).map(([k, m]) => [k, [m.throttlingRateLimit, m.throttlingBurstLimit]]),
  );
  return { concurrency, throttles, invalidations, rules: acl.map((r) => [r.Name, r.Priority]) };
}

describe('drp contain isolates the function, the API and the CDN serving the leak; drp restore puts them back', () => {
  const evidence = join(scratch(), 'ev');
  const journal = join(evidence, 'journal.jsonl');
  let seeded: Parameters<typeof edgeState>[0];

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'reviews/1.jpg', Body: 'synthetic' }));
    await seedOrganization(organizations);
    const role = await seedLambdaRole(iam, 'review-generator', '/media/');
    const edge = createDrillSeedEdgePort(endpoint);
    const [fn, apiId, distribution] = await Promise.all([
      edge.createPublicFunction('review-generator', role),
      edge.createRestApi('media-api', 'prod'),
      edge.createDistribution(bucket, 'media-cdn'),
    ]);
    // The API already throttles one method on its own, and that setting must be throttled too.
    await apigateway.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: 'prod',
        patchOperations: [
          { op: 'replace', path: '/~1/GET/throttling/rateLimit', value: '50' },
          { op: 'replace', path: '/~1/GET/throttling/burstLimit', value: '25' },
        ],
      }),
    );
    const acl = await waf.send(
      new CreateWebACLCommand({
        Name: 'media-upload',
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        VisibilityConfig: {
          SampledRequestsEnabled: true,
          CloudWatchMetricsEnabled: true,
          MetricName: 'media-upload',
        },
        Rules: [
          {
            Name: 'rate-limit',
            Priority: 0,
            Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
            Action: { Block: {} },
            VisibilityConfig: {
              SampledRequestsEnabled: true,
              CloudWatchMetricsEnabled: true,
              MetricName: 'rate-limit',
            },
          },
        ],
      }),
    );
    seeded = {
      functionArn: fn.arn,
      apiId,
      distributionId: distribution.id,
      acl: { Name: 'media-upload', Id: acl.Summary!.Id! },
    };
    const out = await runDrp(
      ['--incident', incident, 'contain', '--bucket', bucket, '--yes', '--evidence-dir', evidence].concat([
        ...['--function', fn.arn],
        ...['--api', `arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/prod`],
        ...['--web-acl', acl.Summary!.ARN!, '--block-country', 'KP'],
      ]),
      { endpoint },
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });

  it("throttles the function to 0, every method of the stage to 0, invalidates /* and puts drp's WAF rules first", async () => {
    const s = await edgeState(seeded);
    expect(s.concurrency).toBe(0);
    expect(s.throttles).toEqual({ '*/*': [0, 0], '~1/GET': [0, 0] });
    expect(s.invalidations).toHaveLength(1);
    const invalidation = await cloudfront.send(
      new GetInvalidationCommand({ DistributionId: seeded.distributionId, Id: s.invalidations[0]!.Id }),
    );
    expect(invalidation.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/*']);
    expect(invalidation.Invalidation?.InvalidationBatch?.CallerReference).toMatch(
      /^drp-INC-EDGE-1-cloudfront-invalidate-\d+$/,
    );
    expect(s.rules).toEqual([
      ['drp-INC-EDGE-1-ip-reputation', 0],
      ['drp-INC-EDGE-1-anonymous-ip', 1],
      ['drp-INC-EDGE-1-geo-block', 2],
      ['rate-limit', 3],
    ]);
  });

  it('drp restore puts back the concurrency (none), the method throttles and the web ACL; the invalidation stays done', async () => {
    const out = await runDrp(['restore', journal, '--yes', '--evidence-dir', join(evidence, 'restore-1')], {
      endpoint,
    });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const s = await edgeState(seeded);
    expect(s.concurrency).toBeUndefined();
    // The */* setting drp created cannot be removed: it goes back to throttling disabled (-1).
    expect(s.throttles).toEqual({ '*/*': [-1, -1], '~1/GET': [50, 25] });
    expect(s.rules).toEqual([['rate-limit', 0]]);
    expect(s.invalidations).toHaveLength(1);
    expect(out.stdout).toMatch(/the \*\/\* method setting drp created stays, with throttling -1/);
  });
});
