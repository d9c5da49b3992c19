import { setTimeout as delay } from 'node:timers/promises';
import type { AwsSettings } from '../aws/config.js';
import type { ListedProduct, PricingPort } from '../aws/pricing.js';
import { isNotImplementedByEndpoint } from '../aws/unavailable.js';
import { describeError } from '../errors.js';
import { PRICES, type PriceKey, type PriceSpec } from '../prices.js';
import type { PriceAnswer, PriceLookup } from './estimate.js';

/** A plan waits this long at most for prices: past it, the table prices the estimate. */
export const PRICE_LIST_TIMEOUT_MS = 8_000;

/** The first-tier on-demand price of each matching product, in the spec's unit. */
function firstTierPrices(products: ListedProduct[], spec: PriceSpec): number[] {
  const unit = spec.lookup.listUnit.toLowerCase();
  return products.flatMap((p) =>
    p.prices.filter((d) => d.beginRange === 0 && d.unit.toLowerCase().startsWith(unit)).map((d) => d.usd),
  );
}

function pick(prices: number[], spec: PriceSpec, where: string): PriceAnswer {
  const distinct = [...new Set(prices)];
  if (distinct.length === 0)
    return { reason: `no ${spec.lookup.serviceCode} product in the Price List matched ${where}` };
  if (distinct.length === 1) return { usd: distinct[0]! };
  if (spec.lookup.pick === 'max') return { usd: Math.max(...distinct) };
  return { reason: `${distinct.length} different ${spec.lookup.serviceCode} prices matched ${where}` };
}

function reasonOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return err.message;
  if (isNotImplementedByEndpoint(err)) return 'the endpoint does not serve the Price List API';
  const e = describeError(err);
  const hint = /AccessDenied/.test(e.code) ? ' (the caller needs pricing:GetProducts)' : '';
  return `Price List API: ${e.code}: ${e.message}${hint}`;
}

/**
 * Prices from the AWS Price List API: one GetProducts query per price key (the key's filters and
 * the run's region), the whole lookup bounded by `timeoutMs` so a slow or unreachable endpoint
 * costs the plan seconds, then the table.
 */
export function priceListLookup(port: PricingPort, timeoutMs = PRICE_LIST_TIMEOUT_MS): PriceLookup {
  const deadline = delay(timeoutMs, undefined, { ref: false }).then(() => {
    throw Object.assign(new Error(`no answer from the Price List API within ${timeoutMs / 1000} s`), {
      name: 'TimeoutError',
    });
  });
  deadline.catch(() => undefined);
  return async (key: PriceKey, region: string) => {
    const spec = PRICES[key];
    const where = `${spec.lookup.regionField}=${region}, ${spec.lookup.filters.map((f) => `${f.field} ${f.type} ${f.value}`).join(', ')}`;
    try {
      const products = await Promise.race([
        port.products(spec.lookup.serviceCode, [
          { field: spec.lookup.regionField, value: region, type: 'TERM_MATCH' },
          ...spec.lookup.filters,
        ]),
        deadline,
      ]);
      return pick(firstTierPrices(products, spec), spec, where);
    } catch (err) {
      return { reason: reasonOf(err) };
    }
  };
}

/**
 * The lookup a run uses: the Price List API, unless DRP_PRICE_LIST=off (an air-gapped responder,
 * and the unit tests, which must not reach AWS), then every price is the table's and the plan says so.
 */
export async function runPriceLookup(
  settings: AwsSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PriceLookup> {
  if (env.DRP_PRICE_LIST === 'off') return async () => ({ reason: 'DRP_PRICE_LIST=off' });
  const { createPricingClient, createPricingPort } = await import('../aws/pricing.js');
  return priceListLookup(createPricingPort(createPricingClient(settings)));
}
