import { AccessDeniedException, GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPricingClient, createPricingPort, PRICE_LIST_REGION } from '../../../src/aws/pricing.js';
import { priceListLookup, runPriceLookup } from '../../../src/runbook/price-list.js';

// moto has no Price List API: these tests give the SDK AWS's answers (GetProducts returns each
// product as a JSON string, prices per unit in its OnDemand terms) through aws-sdk-client-mock.
const pricing = mockClient(PricingClient);

/** One product as the Price List API returns it: a JSON string. */
const product = (
  attributes: Record<string, string>,
  dimensions: { unit: string; usd: string; begin?: string }[],
) =>
  JSON.stringify({
    product: { productFamily: 'API Request', attributes, sku: 'SKU1' },
    serviceCode: 'AmazonS3',
    terms: {
      OnDemand: {
        'SKU1.JRTCKXETXF': {
          priceDimensions: Object.fromEntries(
            dimensions.map((d, i) => [
              `SKU1.JRTCKXETXF.${i}`,
              { unit: d.unit, beginRange: d.begin ?? '0', endRange: 'Inf', pricePerUnit: { USD: d.usd } },
            ]),
          ),
        },
      },
    },
  });

const lookup = (timeoutMs?: number) =>
  priceListLookup(createPricingPort(createPricingClient({ region: 'eu-west-1' })), timeoutMs);

describe('prices from the AWS Price List API', () => {
  beforeEach(() => pricing.reset());

  it("asks GetProducts for the key's product in the run's region, and takes its first-tier USD price per unit", async () => {
    pricing.on(GetProductsCommand).resolves({
      PriceList: [
        product({ group: 'S3-API-Tier1', regionCode: 'eu-west-1' }, [
          { unit: 'Requests', usd: '0.0000054000' },
        ]),
      ],
    });
    expect(await lookup()('s3.request.tier1', 'eu-west-1')).toEqual({ usd: 0.0000054 });
    expect(pricing).toHaveReceivedCommandWith(GetProductsCommand, {
      ServiceCode: 'AmazonS3',
      FormatVersion: 'aws_v1',
      Filters: [
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' },
        { Type: 'EQUALS', Field: 'group', Value: 'S3-API-Tier1' },
      ],
    });
  });

  it('is a client of us-east-1, where the Price List API is served, whatever the run region', async () => {
    expect(PRICE_LIST_REGION).toBe('us-east-1');
    expect(await createPricingClient({ region: 'eu-west-1' }).config.region()).toBe('us-east-1');
  });

  it('skips tiers past the first and dimensions in another unit', async () => {
    pricing.on(GetProductsCommand).resolves({
      PriceList: [
        product({}, [
          { unit: 'GB', usd: '0.09', begin: '10240' },
          { unit: 'Requests', usd: '1' },
          { unit: 'GB', usd: '0.02' },
        ]),
      ],
    });
    expect(await lookup()('transfer.inter-region.gb', 'eu-west-1')).toEqual({ usd: 0.02 });
  });

  it('refuses to guess between products that disagree, but takes the highest for an upper bound (transfer)', async () => {
    const two = {
      PriceList: [product({}, [{ unit: 'GB', usd: '0.02' }]), product({}, [{ unit: 'GB', usd: '0.01' }])],
    };
    pricing.on(GetProductsCommand).resolves(two);
    expect(await lookup()('dynamodb.export.gb', 'eu-west-1')).toEqual({
      reason: expect.stringMatching(/^2 different AmazonDynamoDB prices matched regionCode=eu-west-1/),
    });
    expect(await lookup()('transfer.inter-region.gb', 'eu-west-1')).toEqual({ usd: 0.02 });
  });

  it('says when nothing matched', async () => {
    pricing.on(GetProductsCommand).resolves({ PriceList: [] });
    expect(await lookup()('s3.batch.job', 'eu-west-1')).toEqual({
      reason:
        'no AmazonS3 product in the Price List matched regionCode=eu-west-1, usagetype CONTAINS BatchOperations-Jobs',
    });
  });

  it("reports AWS's AccessDeniedException with the permission the caller lacks", async () => {
    pricing.on(GetProductsCommand).rejects(
      new AccessDeniedException({
        message: 'User is not authorized to perform: pricing:GetProducts',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await lookup()('s3.request.tier2', 'eu-west-1')).toEqual({
      reason:
        'Price List API: AccessDeniedException: User is not authorized to perform: pricing:GetProducts (the caller needs pricing:GetProducts)',
    });
  });

  it('gives up after its deadline, so a silent endpoint costs the plan seconds', async () => {
    pricing.on(GetProductsCommand).callsFake(() => new Promise(() => undefined));
    expect(await lookup(50)('s3.request.tier2', 'eu-west-1')).toEqual({
      reason: 'no answer from the Price List API within 0.05 s',
    });
  });

  it('is not asked at all with DRP_PRICE_LIST=off', async () => {
    const off = await runPriceLookup({ region: 'us-east-1' }, { DRP_PRICE_LIST: 'off' });
    expect(await off('s3.request.tier1', 'us-east-1')).toEqual({ reason: 'DRP_PRICE_LIST=off' });
    expect(pricing).toHaveReceivedCommandTimes(GetProductsCommand, 0);
  });
});
