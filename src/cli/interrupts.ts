import { Interrupted, SIGNAL_EXIT, type StopSignal } from '../errors.js';
import type { InterruptTexts, Interrupts } from '../terminal.js';

/**
 * Terraform's interrupt handling for drp: inside a guard, the first Ctrl-C (or SIGTERM) aborts the
 * run's AbortSignal so the calls in flight finish and are recorded; the second exits at once. Only
 * src/cli.ts exits, so it passes `exit`; `write` is stderr.
 */
export function createInterrupts(
  exit: (code: number) => void,
  write: (text: string) => void,
  proc: Pick<NodeJS.Process, 'on' | 'off'> = process,
): Interrupts {
  const controller = new AbortController();
  const guards: InterruptTexts[] = [];
  const handler = (signal: StopSignal) => {
    const texts = guards.at(-1);
    if (!texts) return;
    if (!controller.signal.aborted) {
      controller.abort(new Interrupted(signal));
      // On its own line: a progress bar may be half drawn on stderr.
      const first = texts.first(signal);
      if (first) write(`\n${first}\n`);
      return;
    }
    write(`\n${texts.forced()}\n`);
    exit(SIGNAL_EXIT[signal]);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  return {
    signal: controller.signal,
    guard(texts) {
      if (guards.length === 0) {
        proc.on('SIGINT', onInt);
        proc.on('SIGTERM', onTerm);
      }
      guards.push(texts);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        guards.splice(guards.lastIndexOf(texts), 1);
        if (guards.length === 0) {
          proc.off('SIGINT', onInt);
          proc.off('SIGTERM', onTerm);
        }
      };
    },
  };
}
