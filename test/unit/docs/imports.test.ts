import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The docs generator reads the step registry, commander's definitions and the runbooks: none of them
// needs the AWS SDK or pino, and `npm run docs` must not pay for them (nor reach AWS by accident).
// drp itself never needs the generator. Read from the sources, without running anything.

const SRC = resolve(import.meta.dirname, '../../../src');

/** What a module imports: packages and files, with or without import(), never type-only imports. */
export function importsOf(source: string, options: { dynamic: boolean }): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/gm)) {
    const [, , typeOnly, clause = '', specifier = ''] = m;
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const allTypes =
      names !== undefined && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()));
    if (!typeOnly && !allTypes) found.push(specifier);
  }
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1]!);
  if (options.dynamic) for (const m of source.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push(m[1]!);
  return found;
}

/** Every file and package reachable from `entry` (a path under src/), as the compiled code loads them. */
function reachable(entry: string, options: { dynamic: boolean }) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'), options)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (existsSync(target)) visit(target);
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files].map((f) => relative(SRC, f)), packages: [...packages] };
}

describe('imports', () => {
  it('npm run docs loads neither the AWS SDK nor pino', () => {
    const { files, packages } = reachable('docs/generate.ts', { dynamic: false });
    expect(files).toEqual(
      expect.arrayContaining(['steps/index.ts', 'cli/program.ts', 'commands/permissions.ts']),
    );
    expect(packages.filter((p) => /^(@aws-sdk|@smithy)\/|^pino$/.test(p))).toEqual([]);
  });

  it('drp never loads the docs generator, lazily or not', () => {
    const { files } = reachable('cli.ts', { dynamic: true });
    expect(files).toEqual(expect.arrayContaining(['commands/contain.ts', 'aws/s3.ts']));
    expect(files.filter((f) => f.startsWith('docs/'))).toEqual([]);
  });

  it('the import reader skips types and finds values, re-exports and import()', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "import f from 'pkg-f';",
      "export { g } from './g.js';",
      "import './side-effect.js';",
      "const h = await import('./h.js');",
    ].join('\n');
    expect(importsOf(source, { dynamic: false })).toEqual(['./d.js', 'pkg-f', './g.js', './side-effect.js']);
    expect(importsOf(source, { dynamic: true })).toContain('./h.js');
  });
});
