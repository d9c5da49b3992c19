import type { AwsSettings } from '../aws/config.js';
import type { Logger } from '../log.js';
import type { Progress } from '../output/progress.js';

/** What every command gets from src/cli.ts: the global flags, and the terminal to talk to. */
export interface CommandEnv {
  aws: AwsSettings;
  incidentId?: string;
  output: 'text' | 'json';
  log: Logger;
  progress: Progress;
  /** Writes a block of text for the person at the terminal (stdout in text mode, stderr in json). */
  say(text: string): void;
  /** Writes a notice on stderr: key created, warnings that need a human. */
  notice(text: string): void;
  /** Asks a yes/no question on the terminal; only called when stdin is a TTY. */
  confirm(question: string): Promise<boolean>;
  stdinIsTTY: boolean;
  now?: () => Date;
}

/** A command's answer: src/cli.ts prints `text` or `json` and exits with `exitCode`. */
export interface CommandResult {
  exitCode: 0 | 1 | 2;
  text: string;
  json: unknown;
}
