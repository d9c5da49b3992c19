import { Command, type Option } from 'commander';
import { examplesText } from './examples.js';
import { isRequired } from './flag-table.js';
import { drpInvocation } from '../invocation.js';
import type { Action, RegisterCommand } from './action.js';
import { registerContain, registerHarden, registerPreserve, registerScan } from './bucket-commands.js';
import { withGlobalFlags } from './global-flags.js';
import {
  registerKeygen,
  registerReport,
  registerRestore,
  registerStatus,
  registerVerify,
} from './journal-commands.js';
import {
  registerDrill,
  registerPermissions,
  registerRunbooks,
  registerValidate,
} from './offline-commands.js';
import { registerPlan, registerResume, registerRun } from './run-commands.js';
import { registerPreflight } from './preflight-command.js';
import { VERSION } from '../version.js';

/** In the order `drp --help` lists them. */
const COMMANDS: RegisterCommand[] = [
  registerValidate,
  registerRunbooks,
  registerPlan,
  registerRun,
  registerContain,
  registerScan,
  registerResume,
  registerPreserve,
  registerRestore,
  registerHarden,
  registerStatus,
  registerPermissions,
  registerPreflight,
  registerKeygen,
  registerVerify,
  registerReport,
  registerDrill,
];

/**
 * One way of writing what an option takes: "(required)", "(one of: text, json)", "(default: 32)",
 * never commander's quoted `(default: "UTC")` beside a hand-written "(default 30)".
 */
function optionDescription(option: Option): string {
  // A default the runbook applies is written in the description; joined with the other facts so
  // that no option ends in two parentheses.
  const written = /^(.*) \(default: ([^()]*)\)$/.exec(option.description);
  const facts: string[] = [];
  if (isRequired(option)) facts.push('required');
  if (option.argChoices) facts.push(`one of: ${option.argChoices.join(', ')}`);
  const shown = option.defaultValueDescription ?? option.defaultValue;
  if (shown !== undefined && !option.negate) facts.push(`default: ${String(shown)}`);
  else if (written && facts.length) facts.push(`default: ${written[2]}`);
  const description = written && facts.length ? written[1]! : option.description;
  return facts.length ? `${description} (${facts.join('; ')})` : description;
}

/**
 * Every command and flag drp has. `action` wraps each command's handler: src/cli.ts passes the one
 * that prints and exits; the docs generator passes one that never runs, and reads the definitions.
 */
export function buildProgram(action: Action): Command {
  const program = withGlobalFlags(
    new Command('drp')
      // Inherited by every command: each --help shows the global options too, written one way.
      .configureHelp({ showGlobalOptions: true, optionDescription })
      .description(
        'Incident-response runbooks for AWS: contain a leaked S3 bucket, keep a signed evidence journal.',
      )
      .version(VERSION)
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)'),
  );
  for (const register of COMMANDS) register(program, action);
  // Worked out when help is shown, not at start-up: finding drp on PATH reads the file system.
  for (const cmd of program.commands)
    if (examplesText(cmd.name())) cmd.addHelpText('after', () => examplesText(cmd.name(), drpInvocation())!);
  return program;
}
