import { type Command, Option } from 'commander';
import type { Action } from './action.js';
import { type SigningFlags, signingOptions } from './flags.js';
import { awsRegion, collect } from './values.js';

interface PreflightFlags extends SigningFlags {
  bucket?: string[];
  runbook: string;
  evidenceBucket?: string;
  evidenceRegion?: string;
  operator?: string;
}

export function registerPreflight(program: Command, action: Action): void {
  program
    .command('preflight')
    .description(
      'read-only, before an incident: can this account be contained? Each identity, permission (IAM policy simulation), the organization, the bucket, the evidence and the signing key: ready, gap or blocked, with the fix. Exit 1 when something is blocked',
    )
    .addOption(
      new Option('--bucket <name>', 'a bucket an incident could be about (repeatable)').argParser(collect),
    )
    .option('--runbook <name|file>', 'the runbook to check for', 'deepfake-s3-leak')
    .option(
      '--evidence-bucket <name>',
      'the evidence bucket a run would use (default: drp-evidence-<account>-<region>)',
    )
    .addOption(
      new Option(
        '--evidence-region <region>',
        "the evidence bucket's region (default: the first bucket's)",
      ).argParser(awsRegion),
    )
    .option(
      '--key <path>',
      'Ed25519 signing key to check; default $DRP_SIGNING_KEY or ~/.config/drp/signing-key.pem',
    )
    .option('--kms-key-id <arn>', 'check this AWS KMS ECC_NIST_P256 signing key instead')
    .option(
      '--operator <name>',
      'who will run drp: the SourceIdentity of the role sessions (default: the OS user)',
    )
    .action(
      action(async (env, _flags, opts: PreflightFlags) =>
        (await import('../commands/preflight.js')).runPreflight(
          {
            buckets: opts.bucket ?? [],
            runbook: opts.runbook,
            evidenceBucket: opts.evidenceBucket,
            evidenceRegion: opts.evidenceRegion,
            operator: opts.operator,
            ...signingOptions(opts),
          },
          env,
        ),
      ),
    );
}
