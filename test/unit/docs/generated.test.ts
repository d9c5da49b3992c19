import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { blockNames, generatedDocs, regenerate, ROOT } from '../../../src/docs/blocks.js';

// The reference parts of the docs are made from the code (src/docs/, `npm run docs`). Checked here
// in-process, by the same functions the script runs: no child process, nothing written.

const docs = generatedDocs();

describe('generated docs', () => {
  it('include the step reference, the bundled runbooks, the CLI reference, the command lists and the policy', () => {
    const names = Object.fromEntries(docs.map((d) => [d.file, blockNames(d.committed)]));
    expect(names['docs/steps.md']).toEqual(['bundled-runbooks', 'steps-reference']);
    expect(names['docs/cli.md']).toEqual(['command-index', 'permissions deepfake-s3-leak', 'cli-reference']);
    expect(names['README.md']).toEqual(['command-index']);
  });

  it.each(docs.map((d) => [d.file, d] as const))('%s is what the generator makes', (file, doc) => {
    expect(doc.committed, `${file} differs from what the code generates: run npm run docs`).toBe(
      doc.generated,
    );
  });

  it.each(docs.map((d) => [d.file, d] as const))(
    '%s, as generated, is already what prettier writes (npm run lint stays green)',
    { timeout: 30_000 },
    async (file, doc) => {
      const options = await prettier.resolveConfig(join(ROOT, file));
      const formatted = await prettier.format(doc.generated, { ...options, filepath: join(ROOT, file) });
      expect(doc.generated, `prettier would rewrite the generator's output: fix src/docs/markdown.ts`).toBe(
        formatted,
      );
    },
  );

  it('is the same on a second run: no date, no machine fact, no order that can change', () => {
    for (const doc of docs) expect(regenerate(doc.generated, doc.file)).toBe(doc.generated);
  });

  it('rewrites only what is between the markers, and says which block name it does not know', () => {
    const page = [
      'hand-written, kept',
      '<!-- begin generated: permissions deepfake-s3-leak (npm run docs; whatever) -->',
      'stale',
      '<!-- end generated: permissions deepfake-s3-leak -->',
      'also kept',
    ].join('\n');
    const out = regenerate(page, 'docs/x.md');
    expect(out.startsWith('hand-written, kept\n<!-- begin generated: permissions deepfake-s3-leak')).toBe(
      true,
    );
    expect(out).toContain(
      '$ drp permissions deepfake-s3-leak\n# One account (no role flags): the identity policy of whoever runs drp\n{\n  "Version": "2012-10-17"',
    );
    expect(out).not.toContain('stale');
    expect(out.endsWith('<!-- end generated: permissions deepfake-s3-leak -->\nalso kept')).toBe(true);
    expect(() =>
      regenerate(
        '<!-- begin generated: nonsense (npm run docs) -->\n<!-- end generated: nonsense -->',
        'x.md',
      ),
    ).toThrow('x.md: unknown generated block "nonsense"');
  });
});
