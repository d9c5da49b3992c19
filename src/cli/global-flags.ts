import { type Command, Option } from 'commander';
import type { AccountFlags } from '../commands/accounts.js';
import type { CommandEnv } from '../commands/env.js';
import type { AccountOptions } from '../runbook/identities.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.js';
import { terminalProgress } from '../output/progress.js';
import type { Interrupts } from '../terminal.js';
import { askLine, isYes } from './prompt.js';
import { awsRegion } from './values.js';

export interface GlobalFlags extends AccountFlags {
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
    .addOption(
      new Option(
        '--config <file>',
        'the roles of a multi-account organization (default: ./drp.config.yaml, then ~/.config/drp/config.yaml)',
      ),
    )
    .addOption(new Option('--account <id>', "the workload account: its role from the config file's accounts"))
    .addOption(
      new Option(
        '--target-role-arn <arn>',
        'assume this role in the workload account (bucket, IAM users, roles)',
      ),
    )
    .addOption(new Option('--org-role-arn <arn>', 'assume this role for Organizations (SCPs)'))
    .addOption(
      new Option('--logs-role-arn <arn>', "assume this role to read the log archive's CloudTrail log files"),
    )
    .addOption(new Option('--evidence-role-arn <arn>', 'assume this role to write to the evidence bucket'))
    .addOption(new Option('--external-id <id>', 'the external id the roles require'))
    .addOption(
      new Option('--mfa-serial <arn>', 'your MFA device: drp asks for its code once, on the terminal'),
    )
    .addOption(new Option('--output <format>', 'stdout format').choices(['text', 'json']).default('text'))
    .addOption(
      new Option(
        '--log-level <level>',
        'stderr log level; at warn, error or fatal a terminal gets one readable line per message, else JSON lines',
      )
        .choices(LOG_LEVELS)
        .default('warn'),
    );
}

export function commandEnv(flags: GlobalFlags, interrupts?: Interrupts): CommandEnv {
  const json = flags.output === 'json';
  let log: CommandEnv['log'] | undefined;
  let accounts: AccountOptions | undefined;
  const ask = (question: string) => askLine(question, interrupts?.signal);
  return {
    aws: { region: flags.region, profile: flags.profile, endpointUrl: flags.endpointUrl },
    // Read on first use: commands that never reach AWS never read the config file.
    accounts: async () => (accounts ??= (await import('../commands/accounts.js')).accountOptions(flags)),
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
