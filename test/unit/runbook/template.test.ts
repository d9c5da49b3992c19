import { describe, expect, it } from 'vitest';
import { findTemplates, substitute, TemplateError } from '../../../src/runbook/template.js';

const scope = {
  params: { bucket: 'media', days: 30, users: ['a', 'b'], dry: false },
  context: { incidentId: 'INC-1', accountId: '123456789012' },
};

describe('substitute', () => {
  it('keeps the type of a whole-value reference', () => {
    expect(
      substitute(
        {
          b: '${{ params.bucket }}',
          d: '${{params.days}}',
          u: '${{ params.users }}',
          x: '${{ params.dry }}',
        },
        scope,
      ),
    ).toEqual({
      b: 'media',
      d: 30,
      u: ['a', 'b'],
      x: false,
    });
  });

  it('splices references inside text', () => {
    expect(substitute('drp-${{ context.incidentId }}-${{ params.days }}d', scope)).toBe('drp-INC-1-30d');
  });

  it('spreads a list reference inside a list', () => {
    expect(substitute(['x', '${{ params.users }}'], scope)).toEqual(['x', 'a', 'b']);
  });

  it('never evaluates a substituted value (no injection)', () => {
    const hostile = {
      params: { bucket: '${{ context.accountId }}' },
      context: { accountId: '123456789012' },
    };
    expect(substitute('${{ params.bucket }}', hostile)).toBe('${{ context.accountId }}');
    expect(substitute('x-${{ params.bucket }}', hostile)).toBe('x-${{ context.accountId }}');
  });

  it('refuses a list inside text', () => {
    expect(() => substitute('users: ${{ params.users }}!', scope)).toThrow(TemplateError);
  });

  it('refuses expressions beyond a reference, and unclosed braces', () => {
    expect(() => findTemplates('${{ params.a || "x" }}')).toThrow(/unsupported expression/);
    expect(() => findTemplates('${{ params.a')).toThrow(/unclosed/);
  });

  it('reports the path of each reference', () => {
    expect(findTemplates({ a: ['${{ params.x }}'], b: 'plain' })).toEqual([
      { path: ['a', 0], refs: [{ scope: 'params', name: 'x' }], whole: true },
    ]);
  });
});
