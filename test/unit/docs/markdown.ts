// Reading markdown as GitHub renders it, enough to check links: headings and their anchors, and the
// inline links of a file outside code.

/** Fenced code blocks blanked line for line, so positions and line numbers stay. */
export function withoutCodeBlocks(markdown: string): string {
  let inside = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inside = !inside;
        return '';
      }
      return inside ? '' : line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a file offers: its headings (a repeated one gets -1, -2, ...) and explicit ids. */
export function anchors(markdown: string): Set<string> {
  const text = withoutCodeBlocks(markdown);
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]!);
  return found;
}

export interface Link {
  target: string;
  line: number;
}

/** The inline links `[text](target)` outside code, with the line each starts on. */
export function links(markdown: string): Link[] {
  const text = withoutCodeBlocks(markdown)
    .replace(/\\./g, 'xx') // escaped characters are text, not syntax
    .replace(/`[^`\n]*`/g, (span) => 'x'.repeat(span.length)); // nor is code
  return [...text.matchAll(/\[(?:[^[\]]|\[[^\]]*\])*\]\(([^()\s]+)\)/g)].map((m) => ({
    target: m[1]!,
    line: text.slice(0, m.index).split('\n').length,
  }));
}
