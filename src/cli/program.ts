import { Command } from 'commander';
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
 * Every command and flag drp has. `action` wraps each command's handler: src/cli.ts passes the one
 * that prints and exits; the docs generator passes one that never runs, and reads the definitions.
 */
export function buildProgram(action: Action): Command {
  const program = withGlobalFlags(
    new Command('drp')
      .description(
        'Incident-response runbooks for AWS: contain a leaked S3 bucket, keep a signed evidence journal.',
      )
      .version(VERSION)
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)'),
  );
  for (const register of COMMANDS) register(program, action);
  return program;
}
