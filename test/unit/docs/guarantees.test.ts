import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../src/docs/blocks.js';

// docs/guarantees.md names, for each promise, the test files and the tests in them that prove it.
// A renamed or deleted test must not leave the promise citing a proof that no longer exists.

interface Citation {
  file: string;
  names: string[];
}

/** Each list item's links into test/, with the quoted test names after each (up to the next link). */
export function citations(markdown: string): Citation[] {
  const items = markdown
    .split(/\n\s*\n/)
    .flatMap((block) => block.split(/\n(?=- )/))
    .map((item) => item.replace(/\n\s*/g, ' '))
    .filter((item) => item.startsWith('- '));
  return items.flatMap((item) =>
    [...item.matchAll(/\]\((\.\.\/test\/[^)]+)\)((?:(?!\]\().)*)/g)].map((m) => ({
      file: m[1]!.slice('../'.length),
      names: [...m[2]!.matchAll(/"((?:[^"\\]|\\.)+)"/g)].map((n) => n[1]!.replace(/\\(.)/g, '$1')),
    })),
  );
}

const cited = citations(readFileSync(join(ROOT, 'docs/guarantees.md'), 'utf8'));

describe('docs/guarantees.md', () => {
  it('cites tests for every promise', () => {
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.flatMap((c) => c.names).length).toBeGreaterThan(30);
  });

  it.each(cited.map((c) => [c.file, c] as const))('%s exists, with every test quoted from it', (file, c) => {
    const path = resolve(ROOT, file);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    if (statSync(path).isDirectory()) return;
    const source = readFileSync(path, 'utf8');
    expect(c.names.filter((name) => !source.includes(name))).toEqual([]);
  });

  it('reads a citation: the file, then the quoted names, escapes undone, across lines', () => {
    const md = [
      '- [`a`](../test/unit/a.test.ts): "one"; "two <x>\\<y\\>',
      '  wrapped" and [`b`](../test/smoke/b.test.ts) (no name)',
      '- [elsewhere](other.md): "not a test"',
      '',
      'A paragraph after [`c`](../test/unit/c.test.ts) with "a quote" is no citation.',
    ].join('\n');
    expect(citations(md)).toEqual([
      { file: 'test/unit/a.test.ts', names: ['one', 'two <x><y> wrapped'] },
      { file: 'test/smoke/b.test.ts', names: [] },
    ]);
  });
});
