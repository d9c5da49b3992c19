import { PRICE_TABLE_DATE, PRICE_TABLE_REGION, PRICES, type PriceKey } from '../prices.js';
import { MANAGED_RULES, ruleName } from '../steps/lib/config-rules.js';
import { code, text, wrap } from './markdown.js';

// The reference parts of docs/cost.md and docs/harden.md, from the table and the rule list drp uses.

/** "$0.0000004", never "$4e-7". */
const money = (usd: number) => `$${usd.toFixed(10).replace(/\.?0+$/, '')}`;
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** drp's price table, one item a price key: what, the price, its page, and how the Price List finds it. */
export function priceTable(): string {
  const head = wrap(
    `drp's table: ${PRICE_TABLE_REGION} on-demand list prices, first tier, as of ${PRICE_TABLE_DATE}.`,
  );
  const items = (Object.keys(PRICES) as PriceKey[]).flatMap((key) => {
    const p = PRICES[key];
    const query = [
      `${code(p.lookup.serviceCode)},`,
      `${code(p.lookup.regionField)} = the run's region,`,
      ...p.lookup.filters.map((f) => `${code(f.field)} ${f.type} ${code(f.value)},`),
      `unit ${code(p.lookup.listUnit)}${p.lookup.pick === 'max' ? ', the highest of several' : ''}`,
    ].join(' ');
    return wrap(
      `${code(key)}: ${money(p.usd)} per ${p.unit}. ${text(sentence(p.what))}. Source: <${p.source}>. Price List query: ${query}.`,
      '- ',
      '  ',
    );
  });
  return [...head, '', ...items].join('\n');
}

const TRIGGER = {
  periodic: 'periodic (24 h)',
  changes: 'configuration changes',
  'changes-and-periodic': 'configuration changes and periodic',
};

/** The managed rules config-managed-rules deploys. */
export function managedRules(): string {
  return MANAGED_RULES.flatMap((r) =>
    wrap(
      `${code(r.identifier)} as ${code(ruleName(r.identifier))} (${TRIGGER[r.trigger]}${r.resourceTypes.length ? `; ${r.resourceTypes.map(code).join(', ')}` : ''}${r.parameters.length ? `; parameter ${r.parameters.map(code).join(', ')}` : ''}): ${text(r.watches)}. <${r.doc}>`,
      '- ',
      '  ',
    ),
  ).join('\n');
}
