import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fsyncDir } from './fsync.js';
import type { ArtefactRef, ArtefactSource } from './entry.js';

export const ARTEFACT_DIR = 'artefacts';

/** A file being written line by line: memory stays flat however large it grows. */
export interface ArtefactStream {
  readonly path: string;
  write(chunk: string): Promise<void>;
  close(source?: ArtefactSource): Promise<ArtefactRef>;
}

/** An artefact this run wrote, with where it is on this machine (to upload it, stream it). */
export interface StoredArtefact extends ArtefactRef {
  /** Absolute local path. */
  file: string;
}

/**
 * Evidence files beside the journal (`<evidence-dir>/artefacts/<name>`, mode 0600), each
 * recorded by an `artefact` entry with its size and SHA-256 once it is complete and fsynced.
 * Never overwrites: a second artefact of the same name gets a numbered suffix.
 */
export class ArtefactStore {
  private readonly written: StoredArtefact[] = [];

  constructor(
    private readonly dir: string,
    private readonly record: (ref: ArtefactRef) => Promise<unknown>,
  ) {}

  async write(name: string, data: string | Buffer, source?: ArtefactSource): Promise<ArtefactRef> {
    const file = this.open(name);
    await file.writeRaw(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    return file.close(source);
  }

  /** The artefacts written so far in this run, in the order they were completed. */
  list(): StoredArtefact[] {
    return this.written.map((a) => ({ ...a }));
  }

  stream(name: string): ArtefactStream {
    const s = this.open(name);
    return { path: s.path, write: (chunk) => s.writeRaw(Buffer.from(chunk, 'utf8')), close: s.close };
  }

  private open(name: string) {
    const dir = join(this.dir, ARTEFACT_DIR);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      fsyncDir(this.dir);
    }
    const fileName = uniqueName(dir, safeName(name));
    const relative = `${ARTEFACT_DIR}/${fileName}`;
    const fd = openSync(join(dir, fileName), 'wx', 0o600);
    const out = createWriteStream('', { fd, autoClose: false });
    const hash = createHash('sha256');
    let size = 0;
    const writeRaw = async (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    };
    const close = async (source?: ArtefactSource): Promise<ArtefactRef> => {
      out.end();
      await once(out, 'finish');
      fsyncSync(fd);
      closeSync(fd);
      fsyncDir(dir);
      const ref: ArtefactRef = {
        name,
        path: relative,
        size,
        sha256: hash.digest('hex'),
        ...(source ? { source } : {}),
      };
      await this.record(ref);
      this.written.push({ ...ref, file: resolve(this.dir, relative) });
      return ref;
    };
    return { path: join(dir, fileName), writeRaw, close };
  }
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return cleaned.slice(0, 120) || 'artefact';
}

function uniqueName(dir: string, name: string): string {
  if (!existsSync(join(dir, name))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!existsSync(join(dir, candidate))) return candidate;
  }
}
