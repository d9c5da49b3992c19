import { PRICES } from '../prices.js';
import type { Estimate, PricedItem } from './estimate.js';

/** "$12.34"; an amount under a cent is "<$0.01", not a misleading "$0.00". */
export function usd(amount: number): string {
  if (amount === 0) return '$0.00';
  if (amount < 0.01) return '<$0.01';
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price as AWS's pages say it: "$0.001/image", or per 1,000 when tiny: "$0.005/1,000 requests". */
function unitPrice(n: number, unit: string): string {
  const plain = (x: number) => String(Number(x.toPrecision(3)));
  return n >= 0.001 ? `$${plain(n)}/${unit}` : `$${plain(n * 1000)}/1,000 ${unit}s`;
}

const BOUND = { 'at-least': 'at least ', 'at-most': 'at most ' } as const;

export function itemLine(i: PricedItem): string {
  // Requests and objects are whole; gigabytes are not ("12.40 GB", "0.0031 GB").
  const count = Number.isInteger(i.units)
    ? i.units.toLocaleString('en-US')
    : i.units >= 1
      ? i.units.toFixed(2)
      : String(Number(i.units.toPrecision(2)));
  return `${i.stepId}: ${i.bound ? BOUND[i.bound] : ''}${count} ${i.what} x ${unitPrice(i.usdPerUnit, i.unit)} = ${usd(i.usd)} (${PRICES[i.priceKey].what}; ${i.priceSource === 'price-list' ? 'Price List' : 'table'})`;
}

/** Where the prices came from, as the plan and the report say it. */
export function priceSourceText(e: Estimate): string {
  const table = `drp's price table of ${e.table.date} (${e.table.region} list prices)`;
  if (e.source === 'price-list') return `AWS Price List API, ${e.region}`;
  if (e.source === 'mixed') return `AWS Price List API, ${e.region}, and ${table} for the rest`;
  return table;
}

/** "$1.23 (at least), prices from ..." or "nothing billed" when no item is priced. */
export function totalText(e: Estimate): string {
  if (e.source === 'none') return 'no billed item in this plan';
  return `${usd(e.totalUsd)}${e.atLeast ? ' (at least)' : ''}; prices: ${priceSourceText(e)}`;
}

/** The estimate as the plan shows it before the confirmation: the total, each item, each note. */
export function estimateLines(e: Estimate): string[] {
  return [
    `Estimated AWS cost: ${totalText(e)}`,
    ...e.items.map((i) => `  + ${itemLine(i)}`),
    ...e.notes.map((n) => `  ! ${n}`),
  ];
}
