import { type Command, Option } from 'commander';
import type { Action } from './action.js';

// Commands that never reach a real AWS account: runbook checks, and the drill on a local emulator.

export function registerValidate(program: Command, action: Action): void {
  program
    .command('validate')
    .description(
      'check runbooks and drp.config.yaml files: exit 0 when valid, 2 with every problem (file:line:col, path, what is valid)',
    )
    .argument('<runbook...>', 'runbook files or bundled names, or config files (drp.config.yaml)')
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
    .description(
      'the least-privilege IAM policies running the runbook needs: for one account, and per role with its trust policy (with the role flags or --config, for those roles)',
    )
    .argument('<runbook>', 'runbook file or bundled name')
    .option(
      '--service-roles',
      "instead, the trust and identity policies of the roles AWS services assume for the runbook's steps (S3 Batch Operations' batchRoleArn)",
    )
    .action(
      action(async (env, _flags, runbook: string, opts: { serviceRoles?: boolean }) =>
        (await import('../commands/permissions.js')).runbookPermissions(runbook, await env.accounts?.(), {
          serviceRoles: Boolean(opts.serviceRoles),
          notice: env.notice,
        }),
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
    .addOption(
      new Option(
        '--accounts <mode>',
        'single: one account; multi: an organization of workload, log archive and forensics accounts, a role in each',
      )
        .choices(['single', 'multi'])
        .default('single'),
    )
    .option('--keep', 'leave the emulator running afterwards (prints its endpoint and pid)')
    .option(
      '--out <dir>',
      'for the drill key, journal, evidence and report (default: ./drill/<incident-id>/)',
    )
    .action(
      action(
        async (
          env,
          flags,
          opts: { scenario: string; accounts: 'single' | 'multi'; keep?: boolean; out?: string },
        ) =>
          (await import('../commands/drill.js')).drill(
            {
              scenario: opts.scenario,
              accounts: opts.accounts,
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
