import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, ROOT } from '../../../src/docs/blocks.js';
import { withoutCodeBlocks } from './markdown.js';

// README.md once held 735 lines, tables 1,100 characters wide. The front door stays a few screens
// long, and prose stays readable as plain text (code blocks may be wider: they are output).

const MAX_WIDTH = 120;

describe('docs stay readable as text', () => {
  it.each(docFiles())('%s has no line over 120 characters outside code blocks', (file) => {
    const text = withoutCodeBlocks(readFileSync(join(ROOT, file), 'utf8'));
    const wide = text
      .split('\n')
      .map((line, i) => ({ line: i + 1, width: line.length }))
      .filter((l) => l.width > MAX_WIDTH);
    expect(wide).toEqual([]);
  });

  it('README.md fits on a few screens', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });
});
