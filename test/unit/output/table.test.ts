import { describe, expect, it } from 'vitest';
import { table, wrapLines, wrapText } from '../../../src/output/table.js';

const rows = [
  ['block-public-access', 'applied', 'put-public-access-block s3://product-media-prod: all four settings on'],
  [
    'legal-holds-with-a-very-long-step-id',
    'interrupted',
    'put-legal-hold s3://product-media-prod: 41 of 400 versions; arn:aws:iam::123456789012:role/ResponderWithALongName',
  ],
];
const longest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('table', () => {
  it('without a width keeps every cell whole on one line (pipes, files, --output text to a file)', () => {
    const text = table(['step', 'outcome', 'what changed'], rows);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain(rows[1]![2]);
  });

  it('fits a terminal width: the last column wraps under itself, nothing is lost', () => {
    const text = table(['step', 'outcome', 'what changed'], rows, 80);
    expect(longest(text)).toBeLessThanOrEqual(80);
    const indent = text.split('\n')[0]!.indexOf('what changed');
    const continued = text.split('\n').filter((l) => l.startsWith(' '));
    expect(continued.length).toBeGreaterThan(0);
    for (const l of continued) expect(l.slice(0, indent).trim()).toBe('');
    expect(text.replace(/\n */g, ' ')).toContain('ResponderWithALongName');
  });

  it('cuts the widest other column with … when the last would get too narrow', () => {
    const text = table(['step', 'outcome', 'what changed'], rows, 50);
    expect(longest(text)).toBeLessThanOrEqual(50);
    expect(text).toContain('…');
    expect(text).toMatch(/^block-publ\S*…/m);
  });
});

describe('wrapText and wrapLines', () => {
  it('break at spaces, and inside a word only when it is longer than the line', () => {
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapText('s3://bucket/a-very-long-key', 10)).toEqual(['s3://bucke', 't/a-very-l', 'ong-key']);
  });

  it('indent continuation lines under the first', () => {
    const text = wrapLines('  ! legal-holds: a note that keeps going past the end of a narrow terminal', 30);
    expect(longest(text)).toBeLessThanOrEqual(30);
    expect(text.split('\n')[1]).toMatch(/^ {6}\S/);
  });
});
