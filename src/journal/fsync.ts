import { closeSync, fsyncSync, openSync } from 'node:fs';

/** A new file's name is durable only once its directory is fsynced too. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
