import { type Command, Option } from 'commander';
import type { Action } from './action.js';
import {
  concurrencyOption,
  dryRunOption,
  operatorOption,
  type SigningFlags,
  signingOptions,
} from './flags.js';
import { collect } from './values.js';

// Commands that read a run's signed journal (verify, report, restore) or make the key that signs it.

interface RestoreFlags extends SigningFlags {
  dryRun?: boolean;
  yes?: boolean;
  only?: string[];
  reactivateKeys?: boolean;
  releaseHolds?: boolean;
  keepExternalGrants?: boolean;
  overwriteDrift?: boolean;
  evidenceDir?: string;
  concurrency: number;
  operator?: string;
}

interface ReportFlags {
  format?: 'md' | 'html' | 'gdpr';
  out?: string;
  force?: boolean;
  pubkey?: string;
  tz: string;
  now?: string;
}

export function registerRestore(program: Command, action: Action): void {
  program
    .command('restore')
    .description(
      "undo a run from its journal: put back each changed step's before-state (reverse order; Block Public Access before the bucket policy) in a new journal",
    )
    .argument('<journal>', "path to the run's journal.jsonl (verified first)")
    .addOption(dryRunOption())
    .option('--yes', 'apply without asking; never silences a drift warning (see --overwrite-drift)')
    .option('--only <step-id>', 'restore only this step of the run (repeatable)', collect)
    .option(
      '--reactivate-keys',
      'set the access keys and other user credentials drp deactivated Active again (default: they stay Inactive)',
    )
    .option('--release-holds', 'set OFF exactly the legal holds drp placed (default: they stay, as evidence)')
    .option(
      '--keep-external-grants',
      'also put back policy statements granting access outside the organization or to anyone (default: left out, named)',
    )
    .option(
      '--overwrite-drift',
      'also apply actions whose resource changed since the run, without a terminal',
    )
    .option(
      '--evidence-dir <dir>',
      "where the restore journal goes (default: <run's evidence dir>/restore-<time>/)",
    )
    .addOption(concurrencyOption())
    .option('--key <path>', 'Ed25519 signing key (default: as for drp run)')
    .option('--kms-key-id <arn>', 'sign the restore journal with this AWS KMS ECC_NIST_P256 key instead')
    .addOption(operatorOption())
    .action(
      action(async (env, _flags, journal: string, opts: RestoreFlags) =>
        (await import('../commands/restore.js')).restore(
          journal,
          {
            dryRun: Boolean(opts.dryRun),
            yes: Boolean(opts.yes),
            only: opts.only ?? [],
            reactivateKeys: Boolean(opts.reactivateKeys),
            releaseHolds: Boolean(opts.releaseHolds),
            keepExternalGrants: Boolean(opts.keepExternalGrants),
            overwriteDrift: Boolean(opts.overwriteDrift),
            evidenceDir: opts.evidenceDir,
            concurrency: opts.concurrency,
            ...signingOptions(opts),
            operator: opts.operator,
          },
          env,
        ),
      ),
    );
}

export function registerKeygen(program: Command, action: Action): void {
  program
    .command('keygen')
    .description('create an Ed25519 journal signing key pair and print its fingerprint')
    .option('--out <dir>', 'directory for signing-key.pem and signing-key.pub.pem (default: ~/.config/drp)')
    .action(
      action(async (_env, _flags, opts: { out?: string }) =>
        (await import('../commands/keygen.js')).keygen(opts.out),
      ),
    );
}

export function registerVerify(program: Command, action: Action): void {
  program
    .command('verify')
    .description('verify a journal offline: exit 0 intact and sealed, 1 anything else (naming the line)')
    .argument('<journal>', "a run's journal.jsonl, or its evidence directory")
    .option(
      '--pubkey <pem>',
      'the public key it must be signed with (else the key in its genesis, with a warning)',
    )
    .option('--artefacts', 're-hash every artefact file the journal names')
    .option(
      '--anchor <s3-uri>',
      'compare with the copy anchored in the evidence bucket: s3://BUCKET/incidents/INCIDENT-ID/',
    )
    .action(
      action(
        async (
          env,
          _flags,
          journal: string,
          opts: { pubkey?: string; artefacts?: boolean; anchor?: string },
        ) =>
          (await import('../commands/verify.js')).verify(
            journal,
            { pubkey: opts.pubkey, artefacts: Boolean(opts.artefacts), anchor: opts.anchor },
            env.aws,
          ),
      ),
    );
}

export function registerReport(program: Command, action: Action): void {
  program
    .command('report')
    .description(
      'an incident report from a journal (verified first): markdown for the ticket, one HTML file, or a GDPR notification draft',
    )
    .argument('<journal>', "a run's journal.jsonl, or its evidence directory")
    .addOption(
      new Option(
        '--format <format>',
        'md or html: the incident report; gdpr: a draft of the GDPR Art. 33(3) notification, HTML when --out ends in .html',
      )
        .choices(['md', 'html', 'gdpr'])
        .default(undefined, 'html when --out ends in .html, else md'),
    )
    .option('--out <file>', 'write the report to this file (never replaces one without --force)')
    .option('--force', 'replace an existing --out file (never the journal or its artefacts)')
    .option('--pubkey <pem>', 'the public key the journal must be signed with (else the key in its genesis)')
    .option(
      '--tz <zone>',
      'IANA time zone for the notification clock, besides UTC, e.g. Europe/Berlin',
      'UTC',
    )
    .addOption(
      new Option('--now <time>', 'report as of this ISO 8601 time (reproducible reports)').hideHelp(),
    )
    .action(
      action(async (_env, _flags, journal: string, opts: ReportFlags) =>
        (await import('../commands/report.js')).report(journal, opts),
      ),
    );
}

export function registerStatus(program: Command, action: Action): void {
  program
    .command('status')
    .description(
      "where an incident stands, from its journals: what is contained, what is open, the time left on GDPR's 72-hour clock",
    )
    .option(
      '--evidence-dir <dir>',
      "the incident's folder, named by --incident (default: ./evidence/<incident-id>/)",
    )
    .addOption(
      new Option(
        '--notify-topic <arn>',
        'SNS topic told when the notification deadline is under 24 hours away or past (repeatable)',
      ).argParser(collect),
    )
    .action(
      action(async (env, _flags, opts: { evidenceDir?: string; notifyTopic?: string[] }) =>
        (await import('../commands/status.js')).status(
          { evidenceDir: opts.evidenceDir, notifyTopics: opts.notifyTopic ?? [] },
          env,
        ),
      ),
    );
}
