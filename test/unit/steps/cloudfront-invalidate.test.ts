import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  ListDistributionsCommand,
  TooManyInvalidationsInProgress,
  type DistributionSummary,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/cloudfront-invalidate.js';
import { waitForInvalidations } from '../../../src/steps/lib/invalidation-wait.js';
import { testContext, testPorts } from '../../support/step-context.js';

const cf = mockClient(CloudFrontClient);
const BUCKET = 'product-media-prod';
const p = { bucket: BUCKET, paths: [] as string[], enabled: true, waitSeconds: 600 };

const dist = (Id: string, origins: [string, string, string?][], Enabled = true) =>
  ({
    Id,
    DomainName: `${Id.toLowerCase()}.cloudfront.net`,
    Enabled,
    Origins: {
      Quantity: origins.length,
      Items: origins.map(([oid, DomainName, OriginPath = '']) => ({ Id: oid, DomainName, OriginPath })),
    },
  }) as DistributionSummary;

function distributions() {
  // Two pages (Marker/NextMarker): the shop's distribution has several origins, the bucket's
  // (through origin access control, regional endpoint) among them; the campaign site uses the
  // website endpoint; the others reach other things, or are disabled.
  cf.on(ListDistributionsCommand)
    .resolvesOnce({
      DistributionList: {
        Items: [
          dist('E1SHOP', [
            ['alb', 'shop-alb-1.us-east-1.elb.amazonaws.com'],
            ['media', `${BUCKET}.s3.us-east-1.amazonaws.com`],
            ['assets', 'static-assets.s3.amazonaws.com'],
          ]),
          dist('E2DOCS', [['docs', 'docs-site.s3.amazonaws.com']]),
        ],
        IsTruncated: true,
        NextMarker: 'E2DOCS',
      } as never,
    })
    .resolves({
      DistributionList: {
        Items: [
          dist('E3PROMO', [['site', `${BUCKET}.s3-website-us-east-1.amazonaws.com`, '/campaign']]),
          dist('E4OLD', [['media', `${BUCKET}.s3.amazonaws.com`]], false),
        ],
        IsTruncated: false,
      } as never,
    });
}

describe('cloudfront-invalidate', () => {
  beforeEach(() => cf.reset());

  it('plans /* on every enabled distribution with an origin on the bucket, through every page, and sends no invalidation', async () => {
    distributions();
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
    expect(plan.observed).toEqual({
      bucket: BUCKET,
      callerReference: `drp-INC-TEST-1-step-${Date.parse('2026-11-25T03:00:00.000Z')}`,
      distributions: [
        {
          id: 'E1SHOP',
          domainName: 'e1shop.cloudfront.net',
          origins: [{ id: 'media', domainName: `${BUCKET}.s3.us-east-1.amazonaws.com`, endpoint: 'rest' }],
          paths: ['/*'],
        },
        {
          id: 'E3PROMO',
          domainName: 'e3promo.cloudfront.net',
          origins: [
            { id: 'site', domainName: `${BUCKET}.s3-website-us-east-1.amazonaws.com`, endpoint: 'website' },
          ],
          paths: ['/*'],
        },
      ],
    });
    expect(plan.changes.map((c) => [c.target, c.detail])).toEqual([
      ['CloudFront E1SHOP (e1shop.cloudfront.net)', '/* (every cached object), through origin media (rest)'],
      [
        'CloudFront E3PROMO (e3promo.cloudfront.net)',
        '/* (every cached object), through origin site (website)',
      ],
    ]);
    expect(plan.notes).toEqual([
      `distribution E4OLD (e4old.cloudfront.net) has an origin on s3://${BUCKET} but is disabled: it serves nothing, not invalidated`,
    ]);
    expect(cf).toHaveReceivedCommandWith(ListDistributionsCommand, { Marker: 'E2DOCS' });
    expect(cf).toHaveReceivedCommandTimes(CreateInvalidationCommand, 0);
  });

  it("invalidates each one with the plan's CallerReference (a retry returns the same invalidation) and records the ids once completed", async () => {
    distributions();
    cf.on(CreateInvalidationCommand, { DistributionId: 'E1SHOP' }).resolves({
      Invalidation: { Id: 'I1', Status: 'InProgress' } as never,
      $metadata: { requestId: 'REQ-1' },
    });
    cf.on(CreateInvalidationCommand, { DistributionId: 'E3PROMO' }).resolves({
      Invalidation: { Id: 'I3' } as never,
    });
    cf.on(GetInvalidationCommand).resolves({ Invalidation: { Id: 'x', Status: 'Completed' } as never });
    const { ctx } = testContext();
    const plan = await step.plan(ctx, p);
    const applied = await step.apply(ctx, p, plan);
    for (const id of ['E1SHOP', 'E3PROMO'])
      expect(cf).toHaveReceivedCommandWith(CreateInvalidationCommand, {
        DistributionId: id,
        InvalidationBatch: {
          Paths: { Quantity: 1, Items: ['/*'] },
          CallerReference: plan.observed.callerReference,
        },
      });
    expect(applied.data).toEqual({
      invalidations: [
        { distributionId: 'E1SHOP', invalidationId: 'I1', status: 'Completed' },
        { distributionId: 'E3PROMO', invalidationId: 'I3', status: 'Completed' },
      ],
    });
    expect(applied.changes[0]!.detail).toBe('invalidation I1: /* (every cached object), Completed');
  });

  it('TooManyInvalidationsInProgress on one distribution: the others are invalidated, the step fails saying what to do', async () => {
    distributions();
    cf.on(CreateInvalidationCommand, { DistributionId: 'E1SHOP' }).rejects(
      new TooManyInvalidationsInProgress({
        $metadata: { httpStatusCode: 400, requestId: 'REQ-400' },
        message: 'Your request contains too many invalidations.',
      }),
    );
    cf.on(CreateInvalidationCommand, { DistributionId: 'E3PROMO' }).resolves({
      Invalidation: { Id: 'I3' } as never,
    });
    cf.on(GetInvalidationCommand).resolves({ Invalidation: { Status: 'Completed' } as never });
    const { ctx } = testContext();
    const err = await step.apply(ctx, p, await step.plan(ctx, p)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as StepFailure).partial.changes.map((c) => c.target)).toEqual([
      'CloudFront E3PROMO (e3promo.cloudfront.net)',
    ]);
    expect(formatError((err as StepFailure).cause)).toMatch(
      /^TooManyInvalidationsInProgress: .*E1SHOP is not invalidated: CloudFront allows 3000 paths \(15 with a wildcard\) in progress per distribution: wait for those running \("aws cloudfront list-invalidations --distribution-id E1SHOP"\).*\(1 distribution invalidated\) \(request id REQ-400\)$/,
    );
  });

  it('with paths (object keys), invalidates where each origin serves them: the origin path taken off', async () => {
    distributions();
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      ...p,
      paths: ['products/SKU-1/main.jpg', 'campaign/hero.jpg'],
    });
    expect(plan.observed.distributions.map((d) => [d.id, d.paths])).toEqual([
      ['E1SHOP', ['/products/SKU-1/main.jpg', '/campaign/hero.jpg']],
      ['E3PROMO', ['/hero.jpg']],
    ]);
  });

  it('--no-cdn (enabled: false) plans nothing and lists no distribution', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, { ...p, enabled: false });
    expect(plan.changes).toEqual([]);
    expect(cf).toHaveReceivedCommandTimes(ListDistributionsCommand, 0);
  });

  it('rejects more than 15 wildcard paths, as CloudFront would', () => {
    const paths = Array.from({ length: 16 }, (_, i) => `p${i}/*`);
    expect(step.params.safeParse({ bucket: BUCKET, paths }).success).toBe(false);
  });
});

describe('waitForInvalidations', () => {
  beforeEach(() => cf.reset());

  it('polls until each is Completed, pausing between rounds', async () => {
    cf.on(GetInvalidationCommand)
      .resolvesOnce({ Invalidation: { Status: 'InProgress' } as never })
      .resolves({ Invalidation: { Status: 'Completed' } as never });
    const pauses: number[] = [];
    const status = await waitForInvalidations(
      testContext().ctx,
      [{ distributionId: 'E1', invalidationId: 'I1' }],
      {
        timeoutSeconds: 60,
        intervalMs: 10_000,
        sleep: async (ms) => void pauses.push(ms),
      },
    );
    expect(status.get('I1')).toBe('Completed');
    expect(pauses).toEqual([10_000]);
  });

  it('gives up after the timeout, leaving the last status (the invalidation completes on its own)', async () => {
    cf.on(GetInvalidationCommand).resolves({ Invalidation: { Status: 'InProgress' } as never });
    const status = await waitForInvalidations(
      testContext().ctx,
      [{ distributionId: 'E1', invalidationId: 'I1' }],
      {
        timeoutSeconds: 30,
        intervalMs: 10_000,
        sleep: async () => undefined,
      },
    );
    expect(status.get('I1')).toBe('InProgress');
    expect(cf).toHaveReceivedCommandTimes(GetInvalidationCommand, 4);
  });
});
