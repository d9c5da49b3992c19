import type { AwsSettings } from '../aws/config.js';
import type { AccountOptions } from '../runbook/identities.js';
import type { Terminal } from '../terminal.js';

/** What every command gets from src/cli.ts: the global flags, and the terminal to talk to. */
export interface CommandEnv extends Terminal {
  aws: AwsSettings;
  /**
   * The roles to act through (the role flags over the config file), read when a command first
   * needs them: a broken config file fails the commands that reach AWS, not `drp validate`.
   * Absent: every identity is the caller's own credentials.
   */
  accounts?: () => Promise<AccountOptions>;
  incidentId?: string;
  output: 'text' | 'json';
}

/** A command's answer: src/cli.ts prints `text` or `json` and exits with `exitCode`. */
export interface CommandResult {
  /** 130 and 143: the run was interrupted by SIGINT (Ctrl-C) or SIGTERM, and stopped cleanly. */
  exitCode: 0 | 1 | 2 | 130 | 143;
  text: string;
  json: unknown;
}
