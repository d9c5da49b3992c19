import type { Command } from 'commander';
import type { Action } from './action.js';

// Commands that never reach a real AWS account: runbook checks, and the drill on a local emulator.

export function registerValidate(program: Command, action: Action): void {
  program
    .command('validate')
    .description(
      'check runbooks: exit 0 when valid, 2 with every problem (file:line:col, path, what is valid)',
    )
    .argument('<runbook...>', 'runbook files or bundled names')
    .action(
      action(async (_env, _flags, refs: string[]) =>
        (await import('../commands/validate.js')).validateRunbooks(refs),
      ),
    );
}

export function registerRunbooks(program: Command, action: Action): void {
  program
    .command('runbooks')
    .description('list the bundled runbooks with their descriptions, params and steps')
    .action(action(async () => (await import('../commands/runbooks.js')).listRunbooks()));
}

export function registerPermissions(program: Command, action: Action): void {
  program
    .command('permissions')
    .description('the least-privilege IAM policy (JSON) that running the runbook needs')
    .argument('<runbook>', 'runbook file or bundled name')
    .action(
      action(async (_env, _flags, runbook: string) =>
        (await import('../commands/permissions.js')).runbookPermissions(runbook),
      ),
    );
}

export function registerDrill(program: Command, action: Action): void {
  program
    .command('drill')
    .description(
      'tabletop drill: seed a leak on a local AWS emulator (moto, or the one --endpoint-url names), contain it with drp, check every control, score card and report',
    )
    .option('--scenario <name>', 'the incident seeded; deepfake-s3-leak is the only one', 'deepfake-s3-leak')
    .option('--keep', 'leave the emulator running afterwards (prints its endpoint and pid)')
    .option(
      '--out <dir>',
      'for the drill key, journal, evidence and report (default: ./drill/<incident-id>/)',
    )
    .action(
      action(async (env, flags, opts: { scenario: string; keep?: boolean; out?: string }) =>
        (await import('../commands/drill.js')).drill(
          {
            scenario: opts.scenario,
            endpointUrl: flags.endpointUrl,
            keep: Boolean(opts.keep),
            out: opts.out,
            incidentId: flags.incident,
          },
          env,
        ),
      ),
    );
}
