/**
 * One line read from the terminal, for confirm and ask. Ctrl-C at the prompt (readline catches it
 * in raw mode, so no SIGINT reaches the process), Ctrl-D, and an interrupt of the run (SIGTERM,
 * `signal`) all end the question with undefined: the caller treats it as "no" or "keep the default".
 */
export async function askLine(
  question: string,
  signal: AbortSignal | undefined,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stderr,
  },
): Promise<string | undefined> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.input, output: io.output });
  const stop = new AbortController();
  const cancel = () => stop.abort();
  rl.on('SIGINT', cancel);
  rl.on('close', cancel);
  signal?.addEventListener('abort', cancel);
  try {
    if (signal?.aborted) return undefined;
    return await rl.question(question, { signal: stop.signal });
  } catch (err) {
    if (stop.signal.aborted) {
      // The prompt line is left open by ^C: end it, so what follows starts on a line of its own.
      io.output.write('\n');
      return undefined;
    }
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
    rl.off('close', cancel);
    rl.close();
  }
}

export const isYes = (answer: string | undefined) => /^y(es)?$/i.test((answer ?? '').trim());
