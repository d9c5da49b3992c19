import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from './fsync.js';

export interface MovedTail {
  /** File name, beside the journal, that now holds the torn bytes. */
  file: string;
  size: number;
  sha256: string;
}

/**
 * A write cut short (kill -9, power loss) leaves a last line without its newline. Before a journal
 * is continued, those bytes are moved into `journal.torn-<time>` beside it and the journal is cut
 * back to its last complete line: the evidence of the interruption is kept, never silently dropped,
 * and the `resume` entry records where it went.
 */
export function moveTornTail(journalPath: string, now: Date): MovedTail | undefined {
  const bytes = readFileSync(journalPath);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end === bytes.length) return undefined;
  const tail = bytes.subarray(end);
  const file = `${basename(journalPath, '.jsonl')}.torn-${now.toISOString().replace(/[:.]/g, '-')}`;
  writeFileSync(join(dirname(journalPath), file), tail, { mode: 0o600, flag: 'wx' });
  truncateSync(journalPath, end);
  const fd = openSync(journalPath, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  fsyncDir(dirname(journalPath));
  return { file, size: tail.length, sha256: createHash('sha256').update(tail).digest('hex') };
}
