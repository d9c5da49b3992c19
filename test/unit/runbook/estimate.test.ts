import { describe, expect, it } from 'vitest';
import { PRICE_TABLE_DATE, PRICES } from '../../../src/prices.js';
import { estimateCost, type PriceLookup } from '../../../src/runbook/estimate.js';
import { estimateLines, usd } from '../../../src/runbook/estimate-text.js';
import type { PlannedStep } from '../../../src/runbook/execute.js';
import type { Plan } from '../../../src/steps/define.js';
import { findStep } from '../../../src/steps/index.js';

function planned(id: string, type: string, plan: Plan, params: unknown = {}): PlannedStep {
  return { id, type, onError: 'stop', definition: findStep(type)!, params, plan };
}

const holds = (count: number) =>
  planned('legal-holds', 's3-legal-holds', {
    observed: { listed: { versions: count, deleteMarkers: 0, complete: true } },
    changes: [{ action: 'put-legal-hold', target: 's3://media', detail: '', count }],
  });
const scan = (scannable: number) =>
  planned('scan', 'rekognition-scan', {
    observed: { scannable },
    changes: [{ action: 'scan-images', target: 's3://media/', count: scannable }],
  });
const batch = (versions: number) =>
  planned('legal-holds', 's3-legal-holds', {
    observed: { listed: { versions, deleteMarkers: 0, complete: true } },
    changes: [{ action: 'create-batch-job', target: 's3://media' }],
  });
const firstPage = (versions: number) =>
  planned('legal-holds', 's3-legal-holds', {
    observed: { listed: { versions, deleteMarkers: 0, complete: false } },
    changes: [{ action: 'put-legal-hold', target: 's3://media', detail: 'every version: more than ...' }],
  });
const logs = (files: number, bytes: number) =>
  planned('logs', 'preserve-cloudtrail-logs', {
    observed: { sources: [{ pending: { files, bytes } }] },
    changes: [{ action: 'copy-log-files', target: 's3://trail/', count: files }],
  });

describe('the cost estimate of a plan', () => {
  it('prices each step item by item from the table when the Price List is not asked, and sums them', async () => {
    const e = await estimateCost([scan(1204), holds(36), logs(10, 2e9)], 'us-east-1');
    expect(e.items.map((i) => [i.stepId, i.priceKey, i.units, i.usd])).toEqual([
      ['scan', 'rekognition.image', 1204, 1.204],
      ['scan', 's3.request.tier2', 1204, 0.000482],
      ['legal-holds', 's3.request.tier1', 36, 0.00018],
      ['logs', 's3.request.tier1', 10, 0.00005],
      ['logs', 's3.request.tier2', 10, 0.000004],
      ['logs', 'transfer.inter-region.gb', 2, 0.04],
    ]);
    expect(e.totalUsd).toBe(1.244716);
    expect(e).toMatchObject({
      source: 'table',
      atLeast: false,
      table: { date: PRICE_TABLE_DATE, region: 'us-east-1' },
    });
    expect(e.items.every((i) => i.priceSource === 'table')).toBe(true);
  });

  it('counts a Batch Operations job, its objects and the holds it makes', async () => {
    const e = await estimateCost([batch(100_001)], 'us-east-1');
    expect(e.items.map((i) => [i.priceKey, i.units, i.bound])).toEqual([
      ['s3.batch.job', 1, undefined],
      ['s3.batch.object', 100_001, undefined],
      ['s3.request.tier1', 100_001, undefined],
    ]);
    expect(e.atLeast).toBe(false);
    expect(e.totalUsd).toBeCloseTo(0.25 + 0.100001 + 0.500005, 6);
  });

  it('says the total is a floor when the plan of the holds read only the first page', async () => {
    const e = await estimateCost([firstPage(1000)], 'us-east-1');
    expect(e.items.map((i) => [i.priceKey, i.units, i.bound])).toEqual([
      ['s3.request.tier1', 1000, 'at-least'],
    ]);
    expect(e.atLeast).toBe(true);
    expect(estimateLines(e)[0]).toMatch(/^Estimated AWS cost: <\$0\.01 \(at least\); /);
  });

  it('costs nothing for a step that cannot apply, has nothing to do, or did not plan', async () => {
    const notApplicable = {
      ...scan(10),
      plan: { observed: { scannable: 10 }, changes: [], notApplicable: 'off' },
    };
    const failed: PlannedStep = { ...holds(5), plan: undefined, planError: new Error('AccessDenied') };
    const e = await estimateCost([notApplicable, failed, holds(0)], 'us-east-1');
    expect(e).toMatchObject({ items: [], totalUsd: 0, source: 'none' });
    expect(estimateLines(e)[0]).toBe('Estimated AWS cost: no billed item in this plan');
  });

  it("uses the Price List's price for the run's region when it answers, and the table, with the reason, when not", async () => {
    const asked: string[] = [];
    const lookup: PriceLookup = async (key, region) => {
      asked.push(`${key}@${region}`);
      return key === 'rekognition.image' ? { usd: 0.0012 } : { reason: 'AccessDeniedException' };
    };
    const e = await estimateCost([scan(1000), holds(2)], 'eu-west-1', lookup);
    expect(asked.sort()).toEqual([
      'rekognition.image@eu-west-1',
      's3.request.tier1@eu-west-1',
      's3.request.tier2@eu-west-1',
    ]);
    expect(e.items[0]).toMatchObject({ priceSource: 'price-list', usdPerUnit: 0.0012, usd: 1.2 });
    expect(e.items[1]).toMatchObject({ priceSource: 'table', usdPerUnit: PRICES['s3.request.tier2'].usd });
    expect(e.source).toBe('mixed');
    expect(e.notes).toEqual([
      'table price for s3.request.tier2, s3.request.tier1: AccessDeniedException',
      "table prices are us-east-1's; the run is in eu-west-1, where they may differ",
    ]);
  });

  it('shows the total, each item with its unit price and source, and the notes, as the plan prints them', async () => {
    const e = await estimateCost([scan(1204)], 'us-east-1');
    expect(estimateLines(e)).toEqual([
      `Estimated AWS cost: $1.20; prices: drp's price table of ${PRICE_TABLE_DATE} (us-east-1 list prices)`,
      '  + scan: 1,204 images scanned x $0.001/image = $1.20 (Rekognition image analysis (DetectModerationLabels), first 1 million images a month; table)',
      '  + scan: 1,204 GET requests (Rekognition reads each image) x $0.0004/1,000 requests = <$0.01 (S3 Standard GET, HEAD and other requests ($0.0004 per 1,000); table)',
    ]);
    expect([usd(0), usd(0.004), usd(1234.5)]).toEqual(['$0.00', '<$0.01', '$1,234.50']);
  });
});
