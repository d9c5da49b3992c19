import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { runbookPermissions } from '../commands/permissions.js';
import { PACKAGE_ROOT } from '../paths.js';
import { cliReference, commandIndex } from './cli-reference.js';
import { fence } from './markdown.js';
import { persistenceReference } from './persistence-reference.js';
import { runbooksReference } from './runbooks-reference.js';
import { stepsReference } from './steps-reference.js';
import { managedRules, priceTable } from './team-reference.js';

// A generated part of a markdown file sits between two comments naming what it is:
//
//   <!-- begin generated: permissions deepfake-s3-leak (npm run docs; edit the code, not this) -->
//   ...
//   <!-- end generated: permissions deepfake-s3-leak -->
//
// `npm run docs` rewrites what is between them and nothing else, so hand-written prose and the
// reference can share a file; test/unit/docs/generated.test.ts fails when they differ.

/** The repository (src/paths.ts finds it both from the sources and from the bundle). */
export const ROOT = PACKAGE_ROOT;

/** Every markdown file that may hold a generated part or a link to check, relative to ROOT. */
export function docFiles(root = ROOT): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? under(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
      )
      .sort();
  return ['README.md', 'bench/README.md', ...under('docs')];
}

/** A link from `file` to `target` (both relative to ROOT): empty within the file, for `#anchor` links. */
const link = (file: string, target: string) => (file === target ? '' : relative(dirname(file), target));

/** `file` is where the block goes, `arg` what its marker names after the block's name, `page` the file's text. */
type Renderer = (file: string, arg: string | undefined, page: string) => string;

const RENDERERS: Record<string, Renderer> = {
  'command-index': (file) => commandIndex(undefined, link(file, 'docs/cli.md')),
  'cli-reference': () => cliReference(),
  'bundled-runbooks': () => runbooksReference(),
  'steps-reference': (_file, _arg, page) => stepsReference(page),
  'persistence-events': () => persistenceReference(),
  'price-table': () => priceTable(),
  'managed-rules': () => managedRules(),
  // Exactly what `drp permissions NAME` prints: the same function makes it.
  permissions: (_file, name) => {
    if (!name) throw new Error('generated block "permissions" needs a runbook name');
    return fence('console', `$ drp permissions ${name}\n${runbookPermissions(name).text}`);
  },
};

const BLOCK =
  /<!-- begin generated: ([a-z-]+)(?: ([a-z0-9-]+))? \(npm run docs[^)]*\) -->\n([\s\S]*?)<!-- end generated: \1(?: \2)? -->/g;

export const beginMarker = (name: string) =>
  `<!-- begin generated: ${name} (npm run docs; edit the code it comes from, not this) -->`;

/** The names of the generated parts of a file, in order ("permissions deepfake-s3-leak"). */
export const blockNames = (markdown: string): string[] =>
  [...markdown.matchAll(BLOCK)].map((m) => [m[1], m[2]].filter(Boolean).join(' '));

/** `markdown` (the text of `file`) with every generated part made again from the code. */
export function regenerate(markdown: string, file: string): string {
  return markdown.replace(BLOCK, (_all, name: string, arg: string | undefined) => {
    const render = RENDERERS[name];
    if (!render)
      throw new Error(
        `${file}: unknown generated block "${name}"; known: ${Object.keys(RENDERERS).join(', ')}`,
      );
    const label = [name, arg].filter(Boolean).join(' ');
    return `${beginMarker(label)}\n\n${render(file, arg, markdown)}\n\n<!-- end generated: ${label} -->`;
  });
}

/** Each doc file with a generated part: its committed text and what `npm run docs` would write. */
export function generatedDocs(root = ROOT): { file: string; committed: string; generated: string }[] {
  return docFiles(root).flatMap((file) => {
    const committed = readFileSync(join(root, file), 'utf8');
    return blockNames(committed).length ? [{ file, committed, generated: regenerate(committed, file) }] : [];
  });
}
