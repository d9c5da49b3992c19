import { stringify } from 'yaml';

// Markdown the generator writes must come out of `prettier --check` unchanged (npm run lint checks
// docs/), and stay readable as plain text: lines of at most WIDTH characters, no tables.

/** prettier's printWidth for this repository (.prettierrc); the docs' hard limit is 120. */
export const WIDTH = 110;

/** Text from the code (summaries, descriptions) made literal: `<id>` would otherwise be an HTML tag. */
export function text(s: string): string {
  return s.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

/** An inline code span that holds any text, backticks included. */
export function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A word that would begin a list, heading, quote or numbered item if a line started with it. */
const RISKY_START = /^([-+*>]|#+|\d+[.)])$/;

/**
 * Breaks `words` (already markdown) into lines of at most `width` characters, the first starting
 * with `first`, the others with `rest`. Code spans are never split; a word that would start a line
 * as markdown syntax stays on the line before.
 */
export function wrap(words: string, first = '', rest = '', width = WIDTH): string[] {
  const tokens = words.match(/`[^`]*`\S*|\S+/g) ?? [];
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const token of tokens) {
    const candidate = empty ? `${line}${token}` : `${line} ${token}`;
    if (!empty && candidate.length > width && !RISKY_START.test(token)) {
      lines.push(line);
      line = `${rest}${token}`;
    } else line = candidate;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export const paragraph = (words: string): string => wrap(words).join('\n');

export const bullet = (words: string): string => wrap(words, '- ', '  ').join('\n');

export function fence(lang: string, body: string): string {
  return `\`\`\`${lang}\n${body.replace(/\n$/, '')}\n\`\`\``;
}

/** YAML as prettier formats it (single quotes), so a generated block passes `prettier --check`. */
export const yaml = (value: unknown): string => stringify(value, { singleQuote: true, lineWidth: 0 });

/** Blocks of markdown, one blank line apart. */
export const blocks = (...parts: (string | false | undefined)[]): string =>
  parts.filter((p): p is string => Boolean(p)).join('\n\n');
