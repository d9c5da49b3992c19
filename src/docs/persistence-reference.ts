import { PERSISTENCE_EVENTS } from '../steps/lib/persistence-events.js';
import { code, text, wrap } from './markdown.js';

/** The persistence events persistence-findings recognises, one list item per rule (no tables: see markdown.ts). */
export function persistenceReference(): string {
  return PERSISTENCE_EVENTS.map((r) =>
    wrap(`${code(r.source)} ${r.names.map(code).join(', ')}: ${text(r.why)}.`, '- ', '  ').join('\n'),
  ).join('\n');
}
