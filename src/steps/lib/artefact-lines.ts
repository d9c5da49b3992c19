import type { ArtefactRef, ArtefactSource } from '../../journal/entry.js';
import type { ArtefactStream } from '../../journal/artefacts.js';

export interface LineWriter {
  readonly path: string;
  add(line: string): void;
  /** Hands every buffered line to the file now; resolves once they are written. */
  flush(): Promise<void>;
  close(source?: ArtefactSource): Promise<ArtefactRef>;
}

export interface LineWriterOptions {
  /** At most this many lines wait in memory: one file write per batch instead of per version. */
  batch?: number;
  /** And no line waits longer than this: a result reaches the file as it happens, not at the end. */
  maxDelayMs?: number;
}

/**
 * Lines appended from many concurrent tasks to one artefact stream, in batches and one write at a
 * time: one file write per `batch` lines instead of per version, and no pile of 'drain'
 * listeners on the stream when dozens of tasks finish at once. Buffering is bounded in lines and in
 * time, so a process that is killed loses at most the last `maxDelayMs` of results, and `close`
 * writes the rest on every way out (success, failure, exception: callers close in `finally`).
 */
export function lineWriter(stream: ArtefactStream, options: LineWriterOptions = {}): LineWriter {
  const batch = options.batch ?? 512;
  const maxDelayMs = options.maxDelayMs ?? 200;
  let buffer: string[] = [];
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  // Kept, not left rejected in the chain: a rejection nobody awaits yet would end the process.
  let failure: { error: unknown } | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return chain;
    const chunk = `${buffer.join('\n')}\n`;
    buffer = [];
    chain = chain
      .then(() => (failure ? undefined : stream.write(chunk)))
      .catch((error: unknown) => void (failure ??= { error }));
    return chain;
  };
  return {
    path: stream.path,
    add(line) {
      buffer.push(line);
      if (buffer.length >= batch) void flush();
      // unref: a pending flush never keeps the process alive on its own.
      else timer ??= setTimeout(() => void flush(), maxDelayMs).unref();
    },
    flush: () => flush(),
    async close(source) {
      await flush();
      const ref = await stream.close(source);
      if (failure) throw failure.error;
      return ref;
    },
  };
}
