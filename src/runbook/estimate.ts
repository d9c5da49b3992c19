import { PRICE_TABLE_DATE, PRICE_TABLE_REGION, PRICES, type CostItem, type PriceKey } from '../prices.js';
import type { PlannedStep } from './execute.js';

/** Where a price came from: the AWS Price List API for the run's region, or drp's dated table. */
export type PriceSource = 'price-list' | 'table';

export interface PricedItem extends CostItem {
  stepId: string;
  unit: string;
  usdPerUnit: number;
  usd: number;
  priceSource: PriceSource;
}

/** The plan's estimated AWS cost: shown before the confirmation, journaled in the genesis, in the report. */
export interface Estimate {
  region: string;
  totalUsd: number;
  /** Some item's count is a floor: the total is at least this much. */
  atLeast: boolean;
  items: PricedItem[];
  /** `none`: nothing in the plan is billed. */
  source: PriceSource | 'mixed' | 'none';
  table: { date: string; region: string };
  /** Why the table priced an item, and anything a step could not estimate. */
  notes: string[];
}

/** A price for a key in a region, or why there is none (the table is used then). */
export type PriceAnswer = { usd: number } | { reason: string };
export type PriceLookup = (key: PriceKey, region: string) => Promise<PriceAnswer>;

/** The items every step with a plan declares (a step that cannot apply or has nothing to do costs nothing). */
export function costItems(planned: PlannedStep[]): {
  items: (CostItem & { stepId: string })[];
  notes: string[];
} {
  const items: (CostItem & { stepId: string })[] = [];
  const notes: string[] = [];
  for (const step of planned) {
    const plan = step.plan;
    if (!plan || plan.notApplicable !== undefined || plan.changes.length === 0 || !step.definition.cost)
      continue;
    try {
      for (const item of step.definition.cost(plan, step.params))
        if (item.units > 0) items.push({ ...item, stepId: step.id });
    } catch (err) {
      notes.push(`step ${step.id}: its cost could not be estimated (${(err as Error).message})`);
    }
  }
  return { items, notes };
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/**
 * Prices every item: each price key once, through `lookup` when given (the Price List API), else
 * from the table. A lookup that fails or finds no single price falls back to the table for that
 * key, and the estimate says why.
 */
export async function estimateCost(
  planned: PlannedStep[],
  region: string,
  lookup?: PriceLookup,
): Promise<Estimate> {
  const { items, notes } = costItems(planned);
  const keys = [...new Set(items.map((i) => i.priceKey))];
  const answers = new Map<PriceKey, PriceAnswer>(
    await Promise.all(
      keys.map(async (key): Promise<[PriceKey, PriceAnswer]> => [
        key,
        lookup ? await lookup(key, region) : { reason: 'the Price List API was not asked' },
      ]),
    ),
  );
  const priced: PricedItem[] = items.map((item) => {
    const answer = answers.get(item.priceKey)!;
    const spec = PRICES[item.priceKey];
    const fromList = 'usd' in answer;
    const usdPerUnit = fromList ? answer.usd : spec.usd;
    return {
      ...item,
      unit: spec.unit,
      usdPerUnit,
      usd: round(usdPerUnit * item.units),
      priceSource: fromList ? 'price-list' : 'table',
    };
  });
  // One note per reason: "the endpoint does not implement the Price List API" once, not per key.
  const byReason = new Map<string, PriceKey[]>();
  for (const key of keys) {
    const answer = answers.get(key)!;
    if ('reason' in answer) byReason.set(answer.reason, [...(byReason.get(answer.reason) ?? []), key]);
  }
  const fallbacks = lookup
    ? [...byReason].map(([reason, k]) => `table price for ${k.join(', ')}: ${reason}`)
    : [];
  const sources = new Set(priced.map((i) => i.priceSource));
  const elsewhere =
    sources.has('table') && region !== PRICE_TABLE_REGION
      ? [`table prices are ${PRICE_TABLE_REGION}'s; the run is in ${region}, where they may differ`]
      : [];
  return {
    region,
    totalUsd: round(priced.reduce((sum, i) => sum + i.usd, 0)),
    atLeast: priced.some((i) => i.bound === 'at-least'),
    items: priced,
    source: sources.size === 0 ? 'none' : sources.size > 1 ? 'mixed' : [...sources][0]!,
    table: { date: PRICE_TABLE_DATE, region: PRICE_TABLE_REGION },
    notes: [...notes, ...fallbacks, ...elsewhere],
  };
}
