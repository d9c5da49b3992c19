import { num, obj, str, type Fields } from './fields.js';

/** Steps whose result `data` carries synthetic-media scan counts (issue 6's rekognition-scan). */
export const SCAN_STEP_TYPES = ['rekognition-scan'];
const TOP_SHOWN = 3;

/** How many objects a scan flagged: `withFindings`, else `findings` as a count or a list. */
export function scanFindingCount(data: unknown): number | undefined {
  const d = obj(data);
  const f = d?.findings;
  return num(d?.withFindings) ?? (Array.isArray(f) ? f.length : num(f));
}

function counts(v: unknown): string | undefined {
  const pairs = Object.entries(obj(v) ?? {}).filter(([, n]) => num(n) !== undefined);
  return pairs.length ? pairs.map(([k, n]) => `${k} ${n as number}`).join(', ') : undefined;
}

function topObjects(v: unknown): string | undefined {
  const top = (Array.isArray(v) ? v : []).flatMap((t) => {
    const f = obj(t);
    const key = str(f?.key);
    if (!f || !key) return [];
    const confidence = num(f.confidence);
    const label = [str(f.label), confidence !== undefined ? `${confidence}%` : ''].filter(Boolean).join(' ');
    return [label ? `${key} (${label})` : key];
  });
  if (!top.length) return undefined;
  return (
    top.slice(0, TOP_SHOWN).join(', ') + (top.length > TOP_SHOWN ? `, +${top.length - TOP_SHOWN} more` : '')
  );
}

/**
 * One line from a scan step's result data, e.g. `{ scanned, withFindings, byLabel, skipped,
 * rejected, top, findings: {path, sha256} }`; fields it does not carry are left out.
 */
export function scanSummary(data: Fields): string | undefined {
  const flagged = scanFindingCount(data);
  const parts = [
    num(data.scanned) !== undefined ? `${num(data.scanned)} image(s) scanned` : undefined,
    flagged !== undefined ? `${flagged} with findings` : undefined,
    ...(
      [
        ['byLabel', 'by label'],
        ['skipped', 'not scanned'],
        ['rejected', 'rejected'],
      ] as const
    ).map(([key, label]) => (counts(data[key]) ? `${label}: ${counts(data[key])}` : undefined)),
    topObjects(data.top) ? `top: ${topObjects(data.top)}` : undefined,
    str(obj(data.findings)?.path) ? `findings file ${str(obj(data.findings)?.path)}` : undefined,
  ].filter((p): p is string => Boolean(p));
  return parts.length ? `synthetic-media scan: ${parts.join('; ')}` : undefined;
}
