/** Narrowest a wrapped last column may get before the columns before it are cut instead. */
const MIN_LAST = 24;
/** Narrowest a cut column gets: enough to tell step ids apart. */
const MIN_CUT = 10;

/**
 * Breaks `text` into lines of at most `width` characters, at spaces where it can and inside a
 * word (an S3 URI, an ARN) where it must. Full text stays in --output json and the report.
 */
export function wrapText(text: string, width: number): string[] {
  if (width < 1 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = '';
    }
    while (w.length > width - (line ? line.length + 1 : 0)) {
      const room = width - (line ? line.length + 1 : 0);
      if (room <= 0) {
        lines.push(line);
        line = '';
        continue;
      }
      lines.push(line ? `${line} ${w.slice(0, room)}` : w.slice(0, room));
      line = '';
      w = w.slice(room);
    }
    line = line ? `${line} ${w}` : w;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Each line of `text` wrapped to `width`, continuation lines indented by `indent` spaces. */
export function wrapLines(text: string, width: number | undefined, indent = 4): string {
  if (!width) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (line.length <= width) return [line];
      const lead = /^ */.exec(line)![0].length;
      const pad = ' '.repeat(Math.min(lead + indent, Math.floor(width / 2)));
      const [first, ...rest] = wrapText(line.slice(lead), width - lead);
      const tail = wrapText(rest.join(' '), width - pad.length);
      return [`${' '.repeat(lead)}${first}`, ...(rest.length ? tail.map((t) => `${pad}${t}`) : [])];
    })
    .join('\n');
}

const cut = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

/**
 * A plain-text table with aligned columns; the last column is left unpadded. Given the terminal's
 * `width`, no line is longer: the last column wraps under itself, and when even that leaves it too
 * narrow the widest other columns are cut (with …).
 */
export function table(header: string[], rows: string[][], width?: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const last = widths.length - 1;
  const fixed = () => widths.slice(0, last).reduce((a, w) => a + w + 2, 0);
  if (width) {
    while (width - fixed() < MIN_LAST) {
      const widest = widths.slice(0, last).reduce((best, w, i) => (w > widths[best]! ? i : best), 0);
      if (widths[widest]! <= MIN_CUT) break;
      widths[widest] = Math.max(MIN_CUT, widths[widest]! - (MIN_LAST - (width - fixed())));
    }
  }
  const room = width ? Math.max(MIN_CUT, width - fixed()) : undefined;
  const line = (cells: string[]) => {
    const lead = cells.slice(0, last).map((c, i) => cut(c, widths[i]!).padEnd(widths[i]!));
    const tail = room ? wrapText(cells[last] ?? '', room) : [cells[last] ?? ''];
    const indent = ' '.repeat(fixed());
    return tail.map((t, n) => (n === 0 ? [...lead, t].join('  ') : `${indent}${t}`).trimEnd()).join('\n');
  };
  const rule = widths.map((w, i) => '-'.repeat(i === last && room ? Math.min(w, room) : w));
  return [line(header), rule.join('  '), ...rows.map(line)].join('\n');
}
