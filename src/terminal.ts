import type { StopSignal } from './errors.js';
import type { Logger } from './log.js';
import type { Progress } from './output/progress.js';

/** What the person sees when they press Ctrl-C inside a guarded stretch (see Interrupts.guard). */
export interface InterruptTexts {
  /** Printed at the first SIGINT/SIGTERM: what drp does now (e.g. finishing the calls in flight). */
  first(signal: StopSignal): string;
  /** Printed at the second, just before the process exits: what state it leaves and what to run. */
  forced(): string;
}

/**
 * Ctrl-C and SIGTERM, as a command sees them. Outside a guard the signals end the process as they
 * always do (locks are released by their exit handlers). Inside one, the first aborts `signal` with
 * an Interrupted reason and prints `first`; the command finishes what is in flight, records it and
 * returns; a second signal prints `forced` and exits at once.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  /** Starts a guarded stretch; the returned function ends it. Guards nest. */
  guard(texts: InterruptTexts): () => void;
}

/**
 * The person at the terminal, as src/cli.ts hands it to a command (CommandEnv) and a command hands
 * it on to the features below it (restore asks its questions through it).
 */
export interface Terminal {
  log: Logger;
  progress: Progress;
  /** Writes a block of text for the person at the terminal (stdout in text mode, stderr in json). */
  say(text: string): void;
  /** Writes a notice on stderr: key created, warnings that need a human. */
  notice(text: string): void;
  /**
   * Asks a yes/no question on the terminal; only called when stdin is a TTY. Ctrl-C, Ctrl-D and an
   * interrupt (SIGTERM) while it waits are a "no".
   */
  confirm(question: string): Promise<boolean>;
  /**
   * Asks for a line of text on the terminal; only called when stdin is a TTY. Enter alone gives '';
   * Ctrl-C, Ctrl-D and an interrupt give undefined.
   */
  ask?(question: string): Promise<string | undefined>;
  stdinIsTTY: boolean;
  /** Columns of the terminal stdout writes to; undefined when it is not a terminal (a pipe, a file). */
  columns?: number;
  /** Ctrl-C handling (src/cli/interrupts.ts); absent in tests that do not interrupt. */
  interrupts?: Interrupts;
  now?: () => Date;
}
