import type { Command } from 'commander';
import { parseParamFlags } from '../runbook/params.js';
import type { Action } from './action.js';
import {
  concurrencyOption,
  exemptPrincipalOption,
  paramOption,
  type RunFlags,
  runOptions,
  type SigningFlags,
  signingOptions,
  withRunFlags,
  workersOption,
  yesOption,
} from './flags.js';

// Any runbook, by file or bundled name: plan it, run it, finish a run cut short.

export function registerPlan(program: Command, action: Action): void {
  program
    .command('plan')
    .description('read-only: what each step observes and would change (no journal)')
    .argument('<runbook>', 'runbook file or bundled name')
    .addOption(paramOption())
    .addOption(exemptPrincipalOption())
    .addOption(concurrencyOption())
    .action(
      action(
        async (
          env,
          _flags,
          runbook: string,
          opts: { param?: string[]; exemptPrincipal?: string[]; concurrency: number },
        ) =>
          (await import('../commands/plan.js')).planRunbook(
            {
              runbook,
              params: parseParamFlags(opts.param ?? []),
              exemptPrincipals: opts.exemptPrincipal ?? [],
              concurrency: opts.concurrency,
            },
            env,
          ),
      ),
    );
}

export function registerRun(program: Command, action: Action): void {
  withRunFlags(
    program
      .command('run')
      .description('execute a runbook: plan, confirm, apply in order, journal every step')
      .argument('<runbook>', 'runbook file or bundled name')
      .addOption(paramOption()),
  ).action(
    action(async (env, _flags, runbook: string, opts: RunFlags & { param?: string[] }) =>
      (await import('../commands/run.js')).runRunbook(
        { ...runOptions(opts), runbook, params: parseParamFlags(opts.param ?? []), command: 'run' },
        env,
      ),
    ),
  );
}

export function registerResume(program: Command, action: Action): void {
  program
    .command('resume')
    .description(
      'finish a run that was cut short: done steps are kept, the interrupted one is re-planned, the rest run',
    )
    .argument('<journal>', 'path to the unsealed journal.jsonl')
    .addOption(yesOption())
    .addOption(concurrencyOption())
    .addOption(workersOption())
    .option('--key <path>', 'the Ed25519 key that signed the journal (default: as for drp run)')
    .option('--kms-key-id <arn>', 'the AWS KMS key that signed the journal')
    .action(
      action(
        async (
          env,
          _flags,
          journal: string,
          opts: SigningFlags & { yes?: boolean; concurrency: number; workers?: number },
        ) =>
          (await import('../commands/resume.js')).resume(
            journal,
            {
              yes: Boolean(opts.yes),
              concurrency: opts.concurrency,
              ...(opts.workers ? { workers: opts.workers } : {}),
              ...signingOptions(opts),
            },
            env,
          ),
      ),
    );
}
