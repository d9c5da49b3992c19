import type { Command } from 'commander';
import type { CommandEnv, CommandResult } from '../commands/env.js';
import type { GlobalFlags } from './global-flags.js';

/** A command's body: the terminal and the global flags, then commander's arguments and options. */
export type CommandHandler<A extends unknown[]> = (
  env: CommandEnv,
  flags: GlobalFlags,
  ...args: A
) => Promise<CommandResult>;

/**
 * Turns a handler into a commander action. src/cli.ts supplies it, being the only module that
 * prints a result and exits; the files here only declare commands.
 */
export type Action = <A extends unknown[]>(
  handler: CommandHandler<A>,
) => (...args: unknown[]) => Promise<void>;

export type RegisterCommand = (program: Command, action: Action) => void;
