import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { PAYLOAD_TYPE } from './dsse.js';
import { JOURNAL_FILE } from './writer.js';

/**
 * The journal a command was pointed at: the file itself, or `journal.jsonl` inside a directory (an
 * evidence dir is what people copy and paste). A directory without one is a usage error naming it.
 */
export function journalPathOf(path: string, what = '<journal>'): string {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return path; // missing: the reader says so, naming the path
  }
  if (!isDir) return path;
  const inside = join(path, JOURNAL_FILE);
  if (!existsSync(inside))
    throw new UserError(
      `${what}: ${path} is a directory without a ${JOURNAL_FILE}; pass a run's evidence directory or its ${JOURNAL_FILE}`,
    );
  return inside;
}

/**
 * Whether the bytes are a drp journal at all, however damaged: some line is a DSSE envelope of drp's
 * payload type. A file that is not one (a report, a key, a log) is the operator's mix-up, which
 * `drp verify` says as such rather than as a tampered journal.
 */
export function looksLikeJournal(bytes: Buffer): boolean {
  for (const line of bytes.toString('utf8').split('\n')) {
    if (!line.includes(PAYLOAD_TYPE)) continue;
    try {
      const e = JSON.parse(line) as { payloadType?: unknown; payload?: unknown };
      if (e.payloadType === PAYLOAD_TYPE && typeof e.payload === 'string') return true;
    } catch {
      // a torn or edited line: look at the others
    }
  }
  return false;
}
