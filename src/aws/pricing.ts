import { GetProductsCommand, PricingClient, type FilterType } from '@aws-sdk/client-pricing';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/**
 * The AWS Price List Query API is served from a few regions only (us-east-1 and ap-south-1 in its
 * API reference): the client is pinned to us-east-1, whatever region the run is in.
 */
export const PRICE_LIST_REGION = 'us-east-1';

export interface PriceFilter {
  field: string;
  value: string;
  type: 'TERM_MATCH' | 'EQUALS' | 'CONTAINS';
}

/** One on-demand price dimension of a product: `usd` per `unit`, from `beginRange` units on. */
export interface ListedPrice {
  unit: string;
  usd: number;
  beginRange: number;
}

export interface ListedProduct {
  attributes: Record<string, string>;
  prices: ListedPrice[];
}

export interface PricingPort {
  /** The products of a service matching every filter (a few pages at most). */
  products(serviceCode: string, filters: PriceFilter[]): Promise<ListedProduct[]>;
}

/** One quick attempt each: the estimate falls back to drp's table rather than hold up a plan. */
export function createPricingClient(settings: AwsSettings): PricingClient {
  const options = clientOptions({ ...settings, region: PRICE_LIST_REGION });
  return instrument(
    new PricingClient({
      ...options,
      maxAttempts: 2,
      requestHandler: { ...options.requestHandler, connectionTimeout: 3_000, requestTimeout: 5_000 },
    }),
    true,
  );
}

interface PriceListItem {
  product?: { attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      {
        priceDimensions?: Record<
          string,
          { unit?: string; beginRange?: string; pricePerUnit?: { USD?: string } }
        >;
      }
    >;
  };
}

function toProduct(item: unknown): ListedProduct {
  const parsed = (typeof item === 'string' ? JSON.parse(item) : item) as PriceListItem;
  const prices: ListedPrice[] = [];
  for (const term of Object.values(parsed.terms?.OnDemand ?? {}))
    for (const d of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(d.pricePerUnit?.USD);
      if (Number.isFinite(usd))
        prices.push({ unit: d.unit ?? '', usd, beginRange: Number(d.beginRange ?? 0) });
    }
  return { attributes: parsed.product?.attributes ?? {}, prices };
}

const MAX_PAGES = 3;

export function createPricingPort(client: PricingClient): PricingPort {
  return {
    async products(serviceCode, filters) {
      const products: ListedProduct[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const out = await client.send(
          new GetProductsCommand({
            ServiceCode: serviceCode,
            FormatVersion: 'aws_v1',
            Filters: filters.map((f) => ({ Type: f.type as FilterType, Field: f.field, Value: f.value })),
            MaxResults: 100,
            NextToken: token,
          }),
        );
        products.push(...((out.PriceList as unknown[] | undefined) ?? []).map(toProduct));
        token = out.NextToken;
      } while (token && ++pages < MAX_PAGES);
      return products;
    },
  };
}
