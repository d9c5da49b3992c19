import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { ArtefactStore } from './artefacts.js';
import { fsyncDir } from './fsync.js';
import { envelopeLine, GENESIS_PREV, pae, PAYLOAD_TYPE, sha256Hex } from './dsse.js';
import { JOURNAL_VERSION, RESERVED_FIELDS, type Entry, type EntryType } from './entry.js';
import { acquireLock } from './lock.js';
import type { Signer } from './signer.js';

export const JOURNAL_FILE = 'journal.jsonl';

/** Where an existing journal's chain ends: what a writer needs to continue it (drp resume). */
export interface ChainHead {
  journalId: string;
  /** seq of the next entry. */
  nextSeq: number;
  /** SHA-256 of the last envelope's PAE. */
  prev: string;
  firstTime: string;
}

function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset);
}

/**
 * The append-only, signed evidence journal. Each append writes one whole DSSE line with
 * O_APPEND and fsyncs it before returning, so the executor can await an intent before making the
 * AWS call it announces: after kill -9 the journal is valid up to its last complete line.
 */
export class JournalWriter {
  readonly path: string;
  readonly artefacts: ArtefactStore;
  private seq: number;
  private prev: string;
  private firstTime: string | undefined;
  private sealed = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly journalId: string,
    private readonly signer: Signer,
    private readonly fd: number,
    private readonly releaseLock: () => void,
    private readonly now: () => Date,
    head?: ChainHead,
  ) {
    this.path = join(dir, JOURNAL_FILE);
    this.seq = head?.nextSeq ?? 0;
    this.prev = head?.prev ?? GENESIS_PREV;
    this.firstTime = head?.firstTime;
    this.artefacts = new ArtefactStore(dir, (ref) => this.append('artefact', { ...ref }));
  }

  /** Starts a new journal in `dir`; refuses a dir that already holds one (append-only, one per run). */
  static create(dir: string, signer: Signer, now: () => Date = () => new Date()): JournalWriter {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, JOURNAL_FILE);
    // Locked first: a journal another drp is writing now is that run's, not one to resume.
    const release = acquireLock(path);
    try {
      if (existsSync(path)) {
        throw new UserError(
          `--evidence-dir: ${dir} already holds a journal. Each run writes its own: pass a new --evidence-dir ` +
            `or --incident, or run \`drp resume ${path}\` if that run was cut short.`,
        );
      }
      const fd = openSync(path, 'ax', 0o600);
      fsyncDir(dir);
      return new JournalWriter(dir, randomUUID(), signer, fd, release, now);
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Continues an existing, verified, unsealed journal from its chain head (drp resume). `heldLock`
   * is the release of a lock the caller took before it read the journal (what it verified must be
   * what is continued); without it the lock is taken here.
   */
  static continue(
    dir: string,
    signer: Signer,
    head: ChainHead,
    now: () => Date = () => new Date(),
    heldLock?: () => void,
  ): JournalWriter {
    const path = join(dir, JOURNAL_FILE);
    const release = heldLock ?? acquireLock(path);
    try {
      const fd = openSync(path, 'a', 0o600);
      return new JournalWriter(dir, head.journalId, signer, fd, release, now, head);
    } catch (err) {
      release();
      throw err;
    }
  }

  get entryCount(): number {
    return this.seq;
  }

  get headHash(): string {
    return this.prev;
  }

  get isSealed(): boolean {
    return this.sealed;
  }

  get signerFingerprint(): string {
    return this.signer.fingerprint;
  }

  /** Signs and durably appends one entry; appends are serialised in call order. */
  append(type: EntryType, body: Record<string, unknown>): Promise<Entry> {
    return this.enqueue(type, () => body);
  }

  /** The last entry: count, head hash and time span of the chain. Nothing may follow it. */
  async seal(body: Record<string, unknown> = {}): Promise<Entry> {
    const entry = await this.enqueue('seal', () => ({
      ...body,
      entries: this.seq + 1,
      head: this.prev,
      firstTime: this.firstTime ?? this.now().toISOString(),
      lastTime: this.now().toISOString(),
    }));
    this.close();
    return entry;
  }

  // The body is built when its turn comes, so a seal sees the chain as it is after earlier appends.
  private enqueue(type: EntryType, makeBody: () => Record<string, unknown>): Promise<Entry> {
    const next = this.queue.then(() => this.write(type, makeBody()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.releaseLock();
  }

  private async write(type: EntryType, body: Record<string, unknown>): Promise<Entry> {
    if (this.sealed) throw new Error(`journal ${this.path} is sealed; nothing may follow the seal`);
    for (const field of RESERVED_FIELDS) {
      if (field in body) throw new Error(`journal entry body may not set the chain field "${field}"`);
    }
    const time = this.now().toISOString();
    const entry: Entry = {
      v: JOURNAL_VERSION,
      journalId: this.journalId,
      seq: this.seq,
      prev: this.prev,
      type,
      time,
      ...body,
    };
    const payload = Buffer.from(JSON.stringify(entry), 'utf8');
    const signed = pae(PAYLOAD_TYPE, payload);
    const sig = await this.signer.sign(signed);
    writeAll(this.fd, Buffer.from(envelopeLine(payload, this.signer.fingerprint, sig), 'utf8'));
    fsyncSync(this.fd);
    this.firstTime ??= time;
    this.prev = sha256Hex(signed);
    this.seq += 1;
    if (type === 'seal') this.sealed = true;
    return entry;
  }
}
