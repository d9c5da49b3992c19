/** A writable that tells when what was written before has been handed to the OS. */
interface Flushable {
  write(chunk: string, callback: (err?: Error | null) => void): boolean;
}

/**
 * Exits only once stdout and stderr have flushed. process.exit() right after a write drops what is
 * still queued where stdout is asynchronous (pipes on macOS, every stream on Windows, a full pipe):
 * `drp report > file | head` would end mid-table. An empty write's callback runs after every
 * earlier write to that stream.
 */
export function exitWhenFlushed(
  code: number,
  exit: (code: number) => never,
  streams: Flushable[] = [process.stdout, process.stderr],
): Promise<never> {
  process.exitCode = code;
  return new Promise<never>(() => {
    let pending = streams.length;
    const done = () => {
      if (--pending === 0) exit(code);
    };
    for (const stream of streams) stream.write('', done);
  });
}
