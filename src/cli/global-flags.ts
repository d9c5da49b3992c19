import { type Command, Option } from 'commander';
import type { CommandEnv } from '../commands/env.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.js';
import { terminalProgress } from '../output/progress.js';
import type { Interrupts } from '../terminal.js';
import { askLine, isYes } from './prompt.js';
import { awsRegion } from './values.js';

export interface GlobalFlags {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  incident?: string;
  output: 'text' | 'json';
  logLevel: LogLevel;
}

export function withGlobalFlags(program: Command): Command {
  return program
    .addOption(
      new Option('--region <region>', 'AWS region (default: AWS_REGION or the profile)').argParser(awsRegion),
    )
    .addOption(new Option('--profile <name>', 'AWS shared-config profile'))
    .addOption(
      new Option(
        '--endpoint-url <url>',
        'send every AWS call here (an emulator); AWS_ENDPOINT_URL also works',
      ),
    )
    .addOption(
      new Option('--incident <id>', 'incident id (default: a new one, e.g. INC-20261125-183000-7f3a)'),
    )
    .addOption(new Option('--output <format>', 'stdout format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(LOG_LEVELS).default('warn'));
}

export function commandEnv(flags: GlobalFlags, interrupts?: Interrupts): CommandEnv {
  const json = flags.output === 'json';
  let log: CommandEnv['log'] | undefined;
  const ask = (question: string) => askLine(question, interrupts?.signal);
  return {
    aws: { region: flags.region, profile: flags.profile, endpointUrl: flags.endpointUrl },
    incidentId: flags.incident,
    output: flags.output,
    // Created on first use: validate, verify and friends never log, and pino costs start-up time.
    get log() {
      return (log ??= createLogger(flags.logLevel));
    },
    progress: terminalProgress(process.stderr),
    say: (text) => (json ? process.stderr : process.stdout).write(`${text}\n`),
    notice: (text) => process.stderr.write(`${text}\n`),
    confirm: async (question) => isYes(await ask(`${question} [y/N] `)),
    ask,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    interrupts,
  };
}
