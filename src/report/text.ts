/**
 * Formatting shared by the markdown and HTML reports. Journal values are signed, not trusted: a
 * bucket key may hold control characters or bidi overrides that would rewrite a terminal line or
 * make one name look like another, so `visible` spells them out before any escaping.
 */

// C0/C1 controls (except tab), and the zero-width and bidi-override characters of "Trojan Source".
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).replace(/\t/g, ' ');
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A step's duration: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min", "3 d 04 h". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(s / 86_400)} d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')} h`;
}

/** A time on the timeline, UTC to the millisecond: "2026-11-25 03:12:45.120". */
export const timelineTime = (iso: string) => iso.replace('T', ' ').replace(/Z$/, '');

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML text node or a double-quoted attribute (SVG included). */
export const escapeHtml = (s: string) => visible(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
