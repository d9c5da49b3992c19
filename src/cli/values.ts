import { InvalidArgumentError } from 'commander';
import { isSince, SINCE_FORMS } from '../since.js';

/** For repeatable flags: commander hands each value with the list so far. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function wholeNumber(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${name} is a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** The SDK puts the region in each endpoint's host name: anything else fails deep inside it. */
export function awsRegion(value: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value))
    throw new InvalidArgumentError('a region is lowercase letters, digits and hyphens, e.g. us-east-1.');
  return value;
}

export function sinceValue(value: string): string {
  if (!isSince(value)) throw new InvalidArgumentError(`--since is ${SINCE_FORMS}.`);
  return value;
}

/** An amount of US dollars: digits with at most two decimals, e.g. 50 or 12.50 (no sign, no "$"). */
export function usdAmount(name: string) {
  return (value: string) => {
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(value))
      throw new InvalidArgumentError(`${name} is an amount of US dollars, e.g. 50 or 12.50.`);
    return Number(value);
  };
}
