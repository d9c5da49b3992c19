import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, ROOT } from '../../../src/docs/blocks.js';
import { anchors, links, slug } from './markdown.js';

const EXTERNAL = /^(https?:|mailto:)/;

/** What is wrong with each local link of a file: a target that does not exist, or a missing anchor. */
function brokenLinks(file: string, read = (f: string) => readFileSync(f, 'utf8')): string[] {
  const path = join(ROOT, file);
  const problems: string[] = [];
  for (const { target, line } of links(read(path))) {
    if (EXTERNAL.test(target)) continue;
    const [pathPart = '', anchor] = target.split('#');
    const dest = pathPart ? resolve(dirname(path), decodeURI(pathPart)) : path;
    const where = `${file}:${line}: ${target}`;
    if (relative(ROOT, dest).startsWith('..')) problems.push(`${where}: leaves the repository`);
    else if (!existsSync(dest)) problems.push(`${where}: no such file`);
    else if (anchor !== undefined && dest.endsWith('.md') && !anchors(read(dest)).has(anchor))
      problems.push(`${where}: no heading with anchor #${anchor} in ${relative(ROOT, dest)}`);
  }
  return problems;
}

describe('links in README.md, docs/ and bench/README.md', () => {
  it('covers the front door, every doc and the benchmark notes', () => {
    const files = docFiles();
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'bench/README.md', 'docs/cli.md', 'docs/steps.md']),
    );
  });

  it.each(docFiles())('%s: every local link reaches a file, and its anchor a heading', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });
});

describe('the link checker itself', () => {
  const page = [
    '# Drp: the `drp contain` command',
    '## Details: s3-object-lock',
    '## Details: s3-object-lock',
    "## What each step's restore puts back",
    'See [ok](#details-s3-object-lock), [twice](#details-s3-object-lock-1) and [gone](#no-such-heading).',
    '[a file](docs/cli.md) and [`code` text](missing.md), not `[code](x.md)` nor \\[escaped](y.md).',
    '```sh',
    '[in a block](z.md)',
    '```',
  ].join('\n');

  it('finds links outside code, with their lines', () => {
    expect(links(page)).toEqual([
      { target: '#details-s3-object-lock', line: 5 },
      { target: '#details-s3-object-lock-1', line: 5 },
      { target: '#no-such-heading', line: 5 },
      { target: 'docs/cli.md', line: 6 },
      { target: 'missing.md', line: 6 },
    ]);
  });

  it("makes GitHub's anchors: punctuation dropped, repeats numbered", () => {
    expect(slug('Drp: the `drp contain` command')).toBe('drp-the-drp-contain-command');
    expect([...anchors(page)]).toEqual([
      'drp-the-drp-contain-command',
      'details-s3-object-lock',
      'details-s3-object-lock-1',
      'what-each-steps-restore-puts-back',
    ]);
  });

  it('reports a missing file and a missing anchor, and passes the rest', () => {
    const read = (f: string) => (f === join(ROOT, 'README.md') ? page : readFileSync(f, 'utf8'));
    expect(brokenLinks('README.md', read)).toEqual([
      'README.md:5: #no-such-heading: no heading with anchor #no-such-heading in README.md',
      'README.md:6: missing.md: no such file',
    ]);
  });
});
