import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
  incidentId?: string;
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
  return lockFile(
    lockPath,
    {},
    (who) =>
      new UserError(
        `${journalPath} is being written by ${who}; a second writer is refused. ` +
          `Wait for it to finish, or if that process is gone, remove ${lockPath}.`,
      ),
  );
}

export const INCIDENT_LOCK = 'incident.lock';

/**
 * The directory every run of one incident shares: `evidence/<id>/` for a run there or in its
 * `run-N/` (the default evidence dirs, and `drp resume` of them); any other --evidence-dir is its
 * own. Two runs into unrelated directories cannot be told apart here, nor two hosts.
 */
export function incidentDir(evidenceDir: string, incidentId: string): string {
  const parent = dirname(evidenceDir);
  return /^run-\d+$/.test(basename(evidenceDir)) && basename(parent) === incidentId ? parent : evidenceDir;
}

/**
 * Held for a whole run that may change AWS (run, contain, scan, resume): a second run of the same
 * incident at the same time would race the first step by step (both plan before either applies,
 * both journal the same changes, the second revocation cuts sessions the first left), so it is
 * refused before it plans anything.
 */
export function acquireIncidentLock(evidenceDir: string, incidentId: string): () => void {
  const dir = incidentDir(evidenceDir, incidentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = join(dir, INCIDENT_LOCK);
  return lockFile(
    lockPath,
    { incidentId },
    (who, owner) =>
      new UserError(
        `incident ${owner?.incidentId ?? incidentId} is already being run by ${who} in ${dir}; a second run ` +
          `of it at the same time is refused. Wait for that run to finish (\`drp resume\` it if it was cut ` +
          `short), or if that process is gone, remove ${lockPath}.`,
      ),
  );
}

function lockFile(
  lockPath: string,
  extra: Partial<LockOwner>,
  refusal: (who: string, owner: LockOwner | undefined) => UserError,
): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
        ...extra,
      };
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
        throw refusal(who, owner);
      }
      unlinkSync(lockPath);
    }
  }
  throw new UserError(`could not lock ${lockPath}: it keeps reappearing; another drp is starting.`);
}

/** Whether a live drp on this host (or any drp elsewhere) holds the lock beside this journal now. */
export function isJournalLocked(journalPath: string): boolean {
  const owner = readOwner(`${journalPath}.lock`);
  if (!owner) return false;
  return owner.host !== hostname() || isAlive(owner.pid);
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}
