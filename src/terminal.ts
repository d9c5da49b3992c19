import type { Logger } from './log.js';
import type { Progress } from './output/progress.js';

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
  /** Asks a yes/no question on the terminal; only called when stdin is a TTY. */
  confirm(question: string): Promise<boolean>;
  /** Asks for a line of text (an MFA code) on the terminal; only called when stdin is a TTY. */
  ask?(question: string): Promise<string>;
  stdinIsTTY: boolean;
  now?: () => Date;
}
