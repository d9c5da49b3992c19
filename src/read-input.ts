import { readFileSync } from 'node:fs';
import { UserError } from './errors.js';

/** A file the operator named: its bytes, or a usage error naming the flag (or <journal>) and why. */
export function readInput(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(`${flag}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
