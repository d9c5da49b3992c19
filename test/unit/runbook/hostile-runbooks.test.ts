import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateRunbooks } from '../../../src/commands/validate.js';
import { isUserError } from '../../../src/errors.js';
import { parseRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';
import { scratch } from '../../support/drp.js';
import {
  billionLaughs,
  hostileText,
  mutatedRunbook,
  PROTOTYPE_NAMES,
  validRunbook,
} from '../../support/hostile-runbooks.js';

const dir = scratch('drp-hostile-');
let n = 0;
const fileOf = (bytes: Buffer | string) => {
  const path = join(dir, `runbook-${n++}.yaml`);
  writeFileSync(path, bytes);
  return path;
};

/** Only a UserError may escape: anything else is a crash (exit 1, "internal error"). */
function outcome(load: () => unknown): 'valid' | 'invalid' {
  try {
    load();
    return 'valid';
  } catch (err) {
    if (isUserError(err)) return 'invalid';
    throw err;
  }
}

const STACK = /\n\s+at .+:\d+:\d+/;

describe('hostile runbooks, in-process (the same code drp validate runs)', { timeout: 120_000 }, () => {
  it('every generated valid runbook validates', () => {
    fc.assert(
      fc.property(validRunbook, (doc) => {
        const result = validateRunbooks([fileOf(stringify(doc))]);
        expect(result.exitCode, result.text).toBe(0);
      }),
      { numRuns: 80 },
    );
  });

  it('a mutated runbook is valid or a clear exit 2, never another exception', () => {
    fc.assert(
      fc.property(mutatedRunbook, ({ doc }) => {
        const result = validateRunbooks([fileOf(stringify(doc))]);
        expect([0, 2]).toContain(result.exitCode);
        expect(result.text).not.toMatch(STACK);
      }),
      { numRuns: 200 },
    );
  });

  it('YAML aliases, a billion laughs, cut-off text and bytes that are not UTF-8 are valid or a clear exit 2', () => {
    fc.assert(
      fc.property(hostileText, ({ bytes }) => {
        const result = validateRunbooks([fileOf(bytes)]);
        expect([0, 2]).toContain(result.exitCode);
        expect(result.text).not.toMatch(STACK);
        expect(outcome(() => parseRunbook(bytes.toString('utf8'), 'x.yaml'))).toMatch(/valid|invalid/);
      }),
      { numRuns: 150 },
    );
  });

  it('an unknown top-level key is reported by name', () => {
    fc.assert(
      fc.property(validRunbook, fc.stringMatching(/^[a-z]{1,12}$/), (doc, key) => {
        fc.pre(!(key in doc));
        const result = validateRunbooks([fileOf(stringify({ ...doc, [key]: 1 }))]);
        expect(result.exitCode).toBe(2);
        expect(result.text).toContain(`unknown field "${key}"`);
      }),
      { numRuns: 100 },
    );
  });

  it('a document nested deeper than the parser goes is "nested too deeply", not a stack overflow', () => {
    const deep = `apiVersion: drp/v1\nname: x\ndescription: d\nsteps: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const result = validateRunbooks([fileOf(deep)]);
    expect(result.exitCode).toBe(2);
    expect(result.text).toMatch(/YAML syntax error: nested too deeply: a runbook is a few levels deep/);
    expect(result.text).not.toMatch(/Maximum call stack/);
  });

  it('shows the first 50 of 3,000 problems, and how many more there are', () => {
    const steps = Array.from({ length: 3_000 }, () => '{id: a, type: s3}').join(', ');
    const result = validateRunbooks([
      fileOf(`apiVersion: drp/v1\nname: x\ndescription: d\nsteps: [${steps}]\n`),
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.text).toMatch(/invalid runbook \(3000 problems\)/);
    expect(result.text.split('\n')).toHaveLength(52);
    expect(result.text).toMatch(/\.\.\. and 2950 more$/);
  });

  it('a billion-laughs file is refused for its aliases', () => {
    const result = validateRunbooks([fileOf(billionLaughs())]);
    expect(result.exitCode).toBe(2);
    expect(result.text).toMatch(/YAML aliases are limited to 100/);
  });

  it('a reference to an undeclared param named like an Object member is undeclared', () => {
    for (const name of PROTOTYPE_NAMES) {
      const doc = {
        apiVersion: 'drp/v1',
        name: 'proto',
        description: 'd',
        steps: [
          { id: 'a', type: 's3-block-public-access', with: { bucket: `media-\${{ params.${name} }}` } },
        ],
      };
      const result = validateRunbooks([fileOf(stringify(doc))]);
      expect(result.exitCode, name).toBe(2);
      expect(result.text).toContain(`\${{ params.${name} }} refers to an undeclared param`);
    }
  });
});

describe('hostile --param values', () => {
  const specs = {
    bucket: { type: 'string', required: true },
    days: { type: 'integer', required: false },
  } as const;

  it('any NAME=VALUE is a typed param or a UserError naming it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.oneof(fc.string(), fc.constantFrom('bucket', 'days', ...PROTOTYPE_NAMES, '__proto__')),
            value: fc.oneof(fc.string(), fc.constantFrom('1', '-1', '1e3', '99999999999999999', 'true')),
          }),
          { maxLength: 4 },
        ),
        (given) => {
          outcome(() =>
            resolveParams(
              specs,
              given.map((g) => ({ ...g, flag: `--param ${g.name}=${g.value}` })),
              'rb',
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a param named like an Object member is unknown unless the runbook declares it', () => {
    for (const name of PROTOTYPE_NAMES)
      expect(() => resolveParams(specs, [{ name, value: 'x', flag: `--param ${name}=x` }], 'rb')).toThrow(
        new RegExp(`runbook rb has no param "${name}"; its params: bucket, days`),
      );
  });

  it('a declared param named like an Object member takes its value and its default', () => {
    const declared = {
      constructor: { type: 'string', required: true },
      toString: { type: 'integer', required: false, default: 7 },
    } as const;
    expect(
      resolveParams(declared, [{ name: 'constructor', value: 'x', flag: '--param constructor=x' }], 'rb'),
    ).toEqual({
      constructor: 'x',
      toString: 7,
    });
    expect(() => resolveParams(declared, [], 'rb')).toThrow(/missing param "constructor"/);
  });
});
