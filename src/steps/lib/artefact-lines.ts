import type { ArtefactRef, ArtefactSource } from '../../journal/entry.js';
import type { ArtefactStream } from '../../journal/artefacts.js';

export interface LineWriter {
  readonly path: string;
  add(line: string): void;
  close(source?: ArtefactSource): Promise<ArtefactRef>;
}

/**
 * Lines appended from many concurrent tasks to one artefact stream, in batches and one write at a
 * time: one file write per `batch` lines instead of per version, and no pile of 'drain'
 * listeners on the stream when dozens of tasks finish at once.
 */
export function lineWriter(stream: ArtefactStream, batch = 512): LineWriter {
  let buffer: string[] = [];
  let chain: Promise<void> = Promise.resolve();
  // Kept, not left rejected in the chain: a rejection nobody awaits yet would end the process.
  let failure: { error: unknown } | undefined;
  const flush = () => {
    if (buffer.length === 0) return;
    const chunk = `${buffer.join('\n')}\n`;
    buffer = [];
    chain = chain
      .then(() => (failure ? undefined : stream.write(chunk)))
      .catch((error: unknown) => void (failure ??= { error }));
  };
  return {
    path: stream.path,
    add(line) {
      buffer.push(line);
      if (buffer.length >= batch) flush();
    },
    async close(source) {
      flush();
      await chain;
      const ref = await stream.close(source);
      if (failure) throw failure.error;
      return ref;
    },
  };
}
