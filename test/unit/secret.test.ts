import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/secret.js';

describe('Secret', () => {
  const secret = new Secret('wJalrXUtnFEMI-EXAMPLE');

  it('gives its value only through reveal()', () => {
    expect(secret.reveal()).toBe('wJalrXUtnFEMI-EXAMPLE');
  });

  it('never serialises: JSON, inspect and string templates print [redacted]', () => {
    const holder = { key: 'AKIA1', secret };
    expect(JSON.stringify(holder)).toBe('{"key":"AKIA1","secret":"[redacted]"}');
    expect(inspect(holder)).not.toContain('wJalr');
    expect(`${secret}`).toBe('[redacted]');
    expect(Object.keys(secret)).toEqual([]);
  });
});
