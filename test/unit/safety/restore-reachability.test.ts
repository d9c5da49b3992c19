import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { restoreOnlyViolations } from './restore-reachability.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/reachability');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('restore-only reachability: the check over the call graph', () => {
  const program = ts.createProgram(files(FIXTURE), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    noLib: true,
    types: [],
  });
  const violations = restoreOnlyViolations(program, {
    root: FIXTURE,
    isPortFile: (path) => path.startsWith(join(FIXTURE, 'aws')),
    restoreOnly: new Set(['DeleteRolePolicy']),
  });
  const entries = violations.map((v) => v.chain.at(-2) ?? v.chain.at(-1));

  it('flags apply reaching a removal through a helper, and a helper both apply and restore call', () => {
    expect(violations.every((v) => v.operation === 'DeleteRolePolicy')).toBe(true);
    expect(violations.every((v) => v.chain[0]!.startsWith('deleteRolePolicy (aws/iam.ts:'))).toBe(true);
    expect(entries.sort()).toEqual([
      expect.stringMatching(/^apply \(steps\/cleanup\.ts:\d+\)$/),
      expect.stringMatching(/^apply \(steps\/shared\.ts:\d+\)$/),
    ]);
    expect(violations.find((v) => v.chain.some((c) => c.startsWith('tidy ')))?.chain.at(-1)).toBe(
      '(not called from restore code)',
    );
  });

  it('accepts a step restore (a method, or an object of plan and apply), a helper only restore calls, and a restore file', () => {
    const all = violations.flatMap((v) => v.chain).join('\n');
    expect(all).not.toMatch(/removeOwnPolicy|steps\/revoke\.ts|steps\/unlock\.ts|commands\/restore\.ts/);
  });

  it('puts no PutRolePolicy on its list: only the named removals are traced', () => {
    expect(violations.some((v) => v.chain.join().includes('putRolePolicy'))).toBe(false);
  });
});
