import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock beside the journal (`journal.jsonl.lock`, created with O_EXCL). Node has no
 * flock, and a lock file also survives to tell a second operator who holds it. A lock left by a
 * process that died (kill -9, a laptop that slept forever) on this host is taken over, so
 * `drp resume` can continue.
 */
export function acquireLock(journalPath: string): () => void {
  const lockPath = `${journalPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(lockPath);
      const stale = owner && owner.host === hostname() && !isAlive(owner.pid);
      if (!stale) {
        const who = owner
          ? `drp (pid ${owner.pid} on ${owner.host}, since ${owner.since})`
          : 'another drp process';
        throw new UserError(
          `${journalPath} is being written by ${who}; a second writer is refused. ` +
            `Wait for it to finish, or if that process is gone, remove ${lockPath}.`,
        );
      }
      unlinkSync(lockPath);
    }
  }
  throw new UserError(
    `could not lock ${journalPath}: ${lockPath} keeps reappearing; another drp is starting.`,
  );
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}
