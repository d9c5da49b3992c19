import { type Command, Option } from 'commander';
import type { RunOptions } from '../commands/run.js';
import type { SigningOptions } from '../commands/signing.js';
import { awsRegion, collect, usdAmount, wholeNumber } from './values.js';

// Options several commands declare word for word. A factory each, not a shared Option: commander
// writes per-command state (its help group) into the Option it is given.
export const paramOption = () =>
  new Option(
    '--param <name=value>',
    'runbook param (repeatable; list params: repeat or comma-separate)',
  ).argParser(collect);

export const exemptPrincipalOption = () =>
  new Option(
    '--exempt-principal <arn>',
    'an IAM principal ARN every deny must also exempt (repeatable)',
  ).argParser(collect);

export const concurrencyOption = () =>
  new Option('--concurrency <n>', 'parallel AWS calls for per-object work')
    .argParser(wholeNumber('--concurrency', 1, 512))
    .default(32);

/** Per-version work on worker threads: the SDK's CPU per call caps one thread below the latency bound. */
export const workersOption = () =>
  new Option(
    '--workers <n>',
    'threads for per-version work (legal holds, log copies); 1 keeps it in the main thread (default: one per core from 4 cores and 2,000 items, else 1)',
  ).argParser(wholeNumber('--workers', 1, 64));

export const dryRunOption = () =>
  new Option('--dry-run', 'plan and journal only: no AWS call that changes anything is sent');

export const yesOption = () =>
  new Option('--yes', 'apply without asking (required when stdin is not a terminal)');

export const operatorOption = () =>
  new Option('--operator <name>', 'who runs this, for the journal (default: the OS user)');

export interface SigningFlags {
  key?: string;
  kmsKeyId?: string;
}

export const signingOptions = (flags: SigningFlags): SigningOptions => ({
  keyPath: flags.key,
  kmsKeyId: flags.kmsKeyId,
});

export interface RunFlags extends SigningFlags {
  dryRun?: boolean;
  yes?: boolean;
  evidenceDir?: string;
  evidenceBucket?: string;
  evidenceRegion?: string;
  detectedAt?: string;
  exemptPrincipal?: string[];
  concurrency: number;
  workers?: number;
  operator?: string;
  notifyTopic?: string[];
  maxCost?: number;
}

export const notifyTopicOption = () =>
  new Option(
    '--notify-topic <arn>',
    'SNS topic told of the approval, containment, each failure and the evidence (repeatable)',
  ).argParser(collect);

/** Flags every command that changes AWS shares: safety, evidence, signing. */
export function withRunFlags(cmd: Command): Command {
  return cmd
    .addOption(dryRunOption())
    .addOption(yesOption())
    .option(
      '--evidence-dir <dir>',
      "where the journal and artefacts go (default: ./evidence/<incident-id>/; a dry-run's in dry-run-N/ inside it)",
    )
    .option(
      '--evidence-bucket <name>',
      'Object-Locked bucket for preserved evidence (default: drp-evidence-<account>-<region>)',
    )
    .addOption(
      new Option(
        '--evidence-region <region>',
        "region of an evidence bucket drp creates (default: the leaked bucket's, for data residency)",
      ).argParser(awsRegion),
    )
    .option(
      '--detected-at <time>',
      "when the incident was detected: an ISO 8601 time with a zone, or how long ago (45m, 2h); starts the 72-hour GDPR clock (default: asked on a terminal, else the run's start, later than the real detection)",
    )
    .addOption(exemptPrincipalOption())
    .addOption(concurrencyOption())
    .addOption(workersOption())
    .option(
      '--key <path>',
      'Ed25519 signing key, PKCS#8 PEM (default: $DRP_SIGNING_KEY, else ~/.config/drp/signing-key.pem)',
    )
    .option('--kms-key-id <arn>', 'sign the journal with this AWS KMS ECC_NIST_P256 key instead')
    .addOption(operatorOption())
    .addOption(notifyTopicOption())
    .addOption(
      new Option(
        '--max-cost <usd>',
        'refuse a plan whose estimated AWS cost is over this many US dollars (exit 2, nothing changed)',
      ).argParser(usdAmount('--max-cost')),
    );
}

export function runOptions(flags: RunFlags): Omit<RunOptions, 'runbook' | 'params' | 'command'> {
  return {
    dryRun: Boolean(flags.dryRun),
    yes: Boolean(flags.yes),
    evidenceDir: flags.evidenceDir,
    evidenceBucket: flags.evidenceBucket,
    evidenceRegion: flags.evidenceRegion,
    detectedAt: flags.detectedAt,
    exemptPrincipals: flags.exemptPrincipal ?? [],
    concurrency: flags.concurrency,
    ...(flags.workers ? { workers: flags.workers } : {}),
    ...signingOptions(flags),
    operator: flags.operator,
    notifyTopics: flags.notifyTopic ?? [],
    ...(flags.maxCost !== undefined ? { maxCost: flags.maxCost } : {}),
  };
}
