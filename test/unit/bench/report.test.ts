import { describe, expect, it } from 'vitest';
import { analysisOf, resultsMarkdown } from '../../../bench/report.js';

describe('bench/RESULTS.md', () => {
  it('keeps the hand-written analysis of the previous record, and only that', () => {
    const first = resultsMarkdown('npm run bench', '- CPU: test', ['| table |'], { drpPerS: 1 }, ['a bound']);
    expect(analysisOf(first)).toBe('');
    const edited = `${first}\n## Analysis (by hand)\n\nThe plan lists every version first.\n`;
    const second = resultsMarkdown(
      'npm run bench',
      '- CPU: test',
      ['| new |'],
      { drpPerS: 2 },
      ['b'],
      analysisOf(edited),
    );
    expect(second).toContain('## Machine\n\n- CPU: test\n');
    expect(second).toContain('| new |');
    expect(second).not.toContain('| table |');
    expect(second.endsWith('## Analysis (by hand)\n\nThe plan lists every version first.\n')).toBe(true);
    expect(analysisOf(undefined)).toBe('');
  });
});
