#!/usr/bin/env node
// The AWS SDK warns on Node 20 that its 2027 releases will need Node 22. The on-call engineer can
// do nothing about that at 3 a.m.; keep it off their stderr (drp's engines field already says so).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandEnv, CommandResult } from './commands/env.js';
import type { ScanFlags } from './commands/scan.js';
import { formatError, isUserError } from './errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from './log.js';
import { terminalProgress } from './output/progress.js';
import { parseParamFlags } from './runbook/params.js';
import { isSince, SINCE_HELP } from './steps/preservation/since.js';
import { VERSION } from './version.js';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface GlobalFlags {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  incident?: string;
  output: 'text' | 'json';
  logLevel: LogLevel;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function wholeNumber(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`${name} is a whole number from ${min} to ${max}.`);
    return n;
  };
}

function positiveInt(name: string, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} is a whole number from 1 to ${max}.`);
    return n;
  };
}

/** The SDK puts the region in each endpoint's host name: anything else fails deep inside it. */
function awsRegion(value: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value))
    throw new InvalidArgumentError('a region is lowercase letters, digits and hyphens, e.g. us-east-1.');
  return value;
}

function sinceValue(value: string): string {
  if (!isSince(value)) throw new InvalidArgumentError(`--since is ${SINCE_HELP}.`);
  return value;
}

/** Evidence preservation flags (issue 5), shared by contain and preserve; their defaults live in the runbooks. */
function withEvidenceFlags(cmd: Command): Command {
  return cmd
    .option(
      '--since <when>',
      'preserve logs from this far back: 7d, 36h, 90m or an ISO time (runbook default 7d)',
      sinceValue,
    )
    .option(
      '--evidence-retention-days <n>',
      'default retention of an evidence bucket drp creates (runbook default 365)',
      positiveInt('--evidence-retention-days', 36500),
    )
    .addOption(
      new Option(
        '--evidence-lock-mode <mode>',
        'Object Lock mode of that retention (runbook default GOVERNANCE)',
      ).choices(['GOVERNANCE', 'COMPLIANCE']),
    );
}

interface EvidenceFlags {
  since?: string;
  evidenceRetentionDays?: number;
  evidenceLockMode?: string;
}

const evidenceFlags = (f: EvidenceFlags) => ({
  since: f.since,
  evidenceRetentionDays: f.evidenceRetentionDays,
  evidenceLockMode: f.evidenceLockMode,
});

function commandEnv(flags: GlobalFlags): CommandEnv {
  const json = flags.output === 'json';
  let log: CommandEnv['log'] | undefined;
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
    confirm: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}

function print(result: CommandResult, flags: GlobalFlags): never {
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
  else if (result.text) process.stdout.write(`${result.text}\n`);
  process.exit(result.exitCode);
}

/** Hints for failures that are about the environment, not about drp. */
function nextStepFor(err: unknown): string | undefined {
  const text = `${(err as Error)?.name} ${(err as Error)?.message}`;
  if (/Could not load credentials|CredentialsProviderError/.test(text)) {
    return 'configure AWS credentials (AWS_PROFILE, --profile, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).';
  }
  if (/ExpiredToken|token.*expired/i.test(text))
    return 'your AWS session expired: refresh it (`aws sso login`) and run again.';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text))
    return 'the AWS endpoint is unreachable: check --endpoint-url, AWS_ENDPOINT_URL and the network.';
  return undefined;
}

function fail(err: unknown, flags: GlobalFlags): never {
  if (isUserError(err)) {
    process.stderr.write(`drp: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
    if (flags.output === 'json')
      process.stdout.write(
        `${JSON.stringify({ error: { kind: 'usage', message: err.message, details: err.details } })}\n`,
      );
    process.exit(EXIT.usage);
  }
  const hint = nextStepFor(err);
  // A failed AWS call (a service error, an unreachable endpoint) is said in full by the lines
  // below; its stack is the SDK's insides, for --log-level debug. Anything else is a bug in drp:
  // its stack is logged for the report.
  const fromAws = Boolean((err as { $metadata?: unknown } | undefined)?.$metadata);
  const log = createLogger(flags.logLevel === 'silent' ? 'silent' : fromAws ? flags.logLevel : 'error');
  if (fromAws) log.debug({ err }, 'drp failed');
  else log.error({ err }, 'drp failed');
  process.stderr.write(`drp: failed: ${formatError(err)}\n${hint ? `next: ${hint}\n` : ''}`);
  if (flags.output === 'json')
    process.stdout.write(`${JSON.stringify({ error: { kind: 'failure', message: formatError(err) } })}\n`);
  process.exit(EXIT.failed);
}

/** Wraps a command action: lazy-loads its module, prints its result, maps errors to exit codes. */
function action<A extends unknown[]>(
  handler: (env: CommandEnv, flags: GlobalFlags, ...args: A) => Promise<CommandResult>,
) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    try {
      print(await handler(commandEnv(flags), flags, ...(args.slice(0, -1) as A)), flags);
    } catch (err) {
      fail(err, flags);
    }
  };
}

interface ReportFlags {
  format?: 'md' | 'html';
  out?: string;
  force?: boolean;
  pubkey?: string;
  tz: string;
  now?: string;
}

interface RunFlags {
  dryRun?: boolean;
  yes?: boolean;
  evidenceDir?: string;
  evidenceBucket?: string;
  detectedAt?: string;
  exemptPrincipal?: string[];
  concurrency: number;
  key?: string;
  kmsKeyId?: string;
  operator?: string;
}

interface ContainCliFlags {
  bucket: string;
  runbook?: string;
  user?: string[];
  role?: string[];
  function?: string[];
  api?: string[];
  scpTarget?: string;
  retentionDays?: number;
}

interface RestoreCliFlags {
  dryRun?: boolean;
  yes?: boolean;
  only?: string[];
  reactivateKeys?: boolean;
  releaseHolds?: boolean;
  overwriteDrift?: boolean;
  evidenceDir?: string;
  concurrency: number;
  key?: string;
  kmsKeyId?: string;
  operator?: string;
}

/** Flags every command that changes AWS shares: safety, evidence, signing. */
function withRunFlags(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'plan and journal only: no AWS call that changes anything is sent')
    .option('--yes', 'apply without asking (required when stdin is not a terminal)')
    .option('--evidence-dir <dir>', 'where the journal and artefacts go (default ./evidence/<incident-id>/)')
    .option(
      '--evidence-bucket <name>',
      'Object-Locked bucket for preserved evidence (default drp-evidence-<account>-<region>)',
    )
    .option(
      '--detected-at <time>',
      'when the incident was detected, ISO 8601 with a zone (default: now); starts the 72-hour clock',
    )
    .option(
      '--exempt-principal <arn>',
      'an IAM principal ARN every deny must also exempt (repeatable)',
      collect,
    )
    .option(
      '--concurrency <n>',
      'parallel AWS calls for per-object work',
      positiveInt('--concurrency', 512),
      32,
    )
    .option(
      '--key <path>',
      'Ed25519 signing key (PKCS#8 PEM); default $DRP_SIGNING_KEY or ~/.config/drp/signing-key.pem',
    )
    .option('--kms-key-id <arn>', 'sign the journal with this AWS KMS ECC_NIST_P256 key instead')
    .option('--operator <name>', 'who runs this, for the journal (default: the OS user)');
}

function runOptions(flags: RunFlags) {
  return {
    dryRun: Boolean(flags.dryRun),
    yes: Boolean(flags.yes),
    evidenceDir: flags.evidenceDir,
    evidenceBucket: flags.evidenceBucket,
    detectedAt: flags.detectedAt,
    exemptPrincipals: flags.exemptPrincipal ?? [],
    concurrency: flags.concurrency,
    keyPath: flags.key,
    kmsKeyId: flags.kmsKeyId,
    operator: flags.operator,
  };
}

export function buildProgram(): Command {
  const program = new Command('drp')
    .description(
      'Incident-response runbooks for AWS: contain a leaked S3 bucket, keep a signed evidence journal.',
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
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
      new Option('--incident <id>', 'incident id (default generated, e.g. INC-20261125-183000-7f3a)'),
    )
    .addOption(new Option('--output <format>', 'stdout format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(LOG_LEVELS).default('warn'));

  program
    .command('validate')
    .description(
      'check runbooks: exit 0 when valid, 2 with every problem (file:line:col, path, what is valid)',
    )
    .argument('<runbook...>', 'runbook files or bundled names')
    .action(
      action(async (_env, _flags, refs: string[]) =>
        (await import('./commands/validate.js')).validateRunbooks(refs),
      ),
    );

  program
    .command('runbooks')
    .description('list the bundled runbooks with their descriptions, params and steps')
    .action(action(async () => (await import('./commands/runbooks.js')).listRunbooks()));

  program
    .command('plan')
    .description('read-only: what each step observes and would change (no journal)')
    .argument('<runbook>', 'runbook file or bundled name')
    .option(
      '--param <name=value>',
      'runbook param (repeatable; list params: repeat or comma-separate)',
      collect,
    )
    .option(
      '--exempt-principal <arn>',
      'an IAM principal ARN every deny must also exempt (repeatable)',
      collect,
    )
    .option(
      '--concurrency <n>',
      'parallel AWS calls for per-object work',
      positiveInt('--concurrency', 512),
      32,
    )
    .action(
      action(
        async (
          env,
          _flags,
          runbook: string,
          opts: { param?: string[]; exemptPrincipal?: string[]; concurrency: number },
        ) =>
          (await import('./commands/plan.js')).planRunbook(
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

  withRunFlags(
    program
      .command('run')
      .description('execute a runbook: plan, confirm, apply in order, journal every step')
      .argument('<runbook>', 'runbook file or bundled name')
      .option(
        '--param <name=value>',
        'runbook param (repeatable; list params: repeat or comma-separate)',
        collect,
      ),
  ).action(
    action(async (env, _flags, runbook: string, opts: RunFlags & { param?: string[] }) =>
      (await import('./commands/run.js')).runRunbook(
        { ...runOptions(opts), runbook, params: parseParamFlags(opts.param ?? []), command: 'run' },
        env,
      ),
    ),
  );

  withEvidenceFlags(
    withRunFlags(
      program
        .command('contain')
        .description(
          'contain a leaked bucket: runs the deepfake-s3-leak runbook with these flags as its params',
        )
        .requiredOption('--bucket <name>', 'the leaked bucket')
        .option('--user <name>', 'IAM user whose access keys are deactivated (repeatable)', collect)
        .option('--role <name>', 'IAM role whose active sessions are revoked (repeatable)', collect)
        .option('--function <arn>', 'Lambda function ARN the SCP denies (repeatable)', collect)
        .option('--api <arn>', 'API Gateway execute-api ARN the SCP denies (repeatable)', collect)
        .option(
          '--scp-target <id>',
          "account, OU or root id the SCP is attached to (default: the caller's account)",
        )
        .option(
          '--retention-days <n>',
          'default Object Lock retention (GOVERNANCE) of the bucket, in days (default 30)',
          positiveInt('--retention-days', 36500),
        )
        .option('--runbook <name|file>', 'another runbook taking the same params', undefined),
    ),
  ).action(
    action(async (env, _flags, opts: RunFlags & EvidenceFlags & ContainCliFlags) =>
      (await import('./commands/contain.js')).contain(
        {
          bucket: opts.bucket,
          runbook: opts.runbook,
          users: opts.user,
          roles: opts.role,
          functions: opts.function,
          apis: opts.api,
          scpTarget: opts.scpTarget,
          retentionDays: opts.retentionDays,
          ...evidenceFlags(opts),
        },
        runOptions(opts),
        env,
      ),
    ),
  );

  withRunFlags(
    program
      .command('scan')
      .description(
        'find synthetic or unsafe images in a bucket with Rekognition: runs the scan-synthetic-media runbook',
      )
      .requiredOption('--bucket <name>', 'the bucket to scan')
      .option('--prefix <prefix>', 'only keys under this prefix')
      .option(
        '--since <time>',
        'every version written since: ISO 8601 time, UTC date, or 30m/24h/7d/2w (default: current versions)',
      )
      .option(
        '--min-confidence <n>',
        'a label at or above this confidence is a finding (default 80)',
        wholeNumber('--min-confidence', 0, 100),
      )
      .option('--custom-labels-model <arn>', 'also call this RUNNING Rekognition Custom Labels model version')
      .option('--labels <label>', 'only these labels (or their parents) count (repeatable)', collect)
      .option(
        '--quarantine',
        'legal hold and drp tags on each finding version (the bucket needs Object Lock)',
      )
      .option(
        '--max-tps <n>',
        'Rekognition calls per second at most (default 10)',
        positiveInt('--max-tps', 1000),
      ),
  ).action(
    action(async (env, _flags, opts: RunFlags & ScanFlags) => {
      const { bucket, prefix, since, minConfidence, customLabelsModel, labels, quarantine, maxTps } = opts;
      return (await import('./commands/scan.js')).scan(
        { bucket, prefix, since, minConfidence, customLabelsModel, labels, quarantine, maxTps },
        runOptions(opts),
        env,
      );
    }),
  );

  program
    .command('resume')
    .description(
      'finish a run that was cut short: done steps are kept, the interrupted one is re-planned, the rest run',
    )
    .argument('<journal>', 'path to the unsealed journal.jsonl')
    .option('--yes', 'apply without asking (required when stdin is not a terminal)')
    .option(
      '--concurrency <n>',
      'parallel AWS calls for per-object work',
      positiveInt('--concurrency', 512),
      32,
    )
    .option('--key <path>', 'the Ed25519 key that signed the journal (default as for run)')
    .option('--kms-key-id <arn>', 'the AWS KMS key that signed the journal')
    .action(
      action(
        async (
          env,
          _flags,
          journal: string,
          opts: { yes?: boolean; concurrency: number; key?: string; kmsKeyId?: string },
        ) =>
          (await import('./commands/resume.js')).resume(
            journal,
            {
              yes: Boolean(opts.yes),
              concurrency: opts.concurrency,
              keyPath: opts.key,
              kmsKeyId: opts.kmsKeyId,
            },
            env,
          ),
      ),
    );

  withEvidenceFlags(
    withRunFlags(
      program
        .command('preserve')
        .description(
          'preserve the evidence of a leak (Object-Locked evidence bucket, CloudTrail and access logs, anchored journal): runs the preserve-evidence runbook',
        )
        .requiredOption('--bucket <name>', 'the leaked bucket')
        .option('--user <name>', 'an IAM user involved: export its CloudTrail events (repeatable)', collect)
        .option('--role <name>', 'an IAM role involved: export its CloudTrail events (repeatable)', collect)
        .option('--runbook <name|file>', 'another runbook taking the same params', undefined),
    ),
  ).action(
    action(
      async (
        env,
        _flags,
        opts: RunFlags &
          EvidenceFlags & { bucket: string; user?: string[]; role?: string[]; runbook?: string },
      ) =>
        (await import('./commands/preserve.js')).preserve(
          {
            bucket: opts.bucket,
            runbook: opts.runbook,
            users: opts.user,
            roles: opts.role,
            ...evidenceFlags(opts),
          },
          runOptions(opts),
          env,
        ),
    ),
  );

  program
    .command('restore')
    .description(
      "undo a run from its journal: put back each changed step's before-state, in reverse order, in a new journal",
    )
    .argument('<journal>', "path to the run's journal.jsonl (verified first)")
    .option('--dry-run', 'plan and journal only: no AWS call that changes anything is sent')
    .option('--yes', 'apply without asking; never silences a drift warning (see --overwrite-drift)')
    .option('--only <step-id>', 'restore only this step of the run (repeatable)', collect)
    .option(
      '--reactivate-keys',
      'set the access keys drp deactivated Active again (default: they stay Inactive)',
    )
    .option('--release-holds', 'set OFF exactly the legal holds drp placed (default: they stay, as evidence)')
    .option(
      '--overwrite-drift',
      'also apply actions whose resource changed since the run, without a terminal',
    )
    .option(
      '--evidence-dir <dir>',
      "where the restore journal goes (default <run's evidence dir>/restore-<time>/)",
    )
    .option(
      '--concurrency <n>',
      'parallel AWS calls for per-object work',
      positiveInt('--concurrency', 512),
      32,
    )
    .option('--key <path>', 'Ed25519 signing key (default as for run)')
    .option('--kms-key-id <arn>', 'sign the restore journal with this AWS KMS ECC_NIST_P256 key instead')
    .option('--operator <name>', 'who runs this, for the journal (default: the OS user)')
    .action(
      action(async (env, _flags, journal: string, opts: RestoreCliFlags) =>
        (await import('./commands/restore.js')).restore(
          journal,
          {
            dryRun: Boolean(opts.dryRun),
            yes: Boolean(opts.yes),
            only: opts.only ?? [],
            reactivateKeys: Boolean(opts.reactivateKeys),
            releaseHolds: Boolean(opts.releaseHolds),
            overwriteDrift: Boolean(opts.overwriteDrift),
            evidenceDir: opts.evidenceDir,
            concurrency: opts.concurrency,
            keyPath: opts.key,
            kmsKeyId: opts.kmsKeyId,
            operator: opts.operator,
          },
          env,
        ),
      ),
    );

  program
    .command('permissions')

    .description('the least-privilege IAM policy (JSON) that running the runbook needs')
    .argument('<runbook>', 'runbook file or bundled name')
    .action(
      action(async (_env, _flags, runbook: string) =>
        (await import('./commands/permissions.js')).runbookPermissions(runbook),
      ),
    );

  program
    .command('keygen')
    .description('create an Ed25519 journal signing key pair and print its fingerprint')
    .option('--out <dir>', 'directory for signing-key.pem and signing-key.pub.pem (default ~/.config/drp)')
    .action(
      action(async (_env, _flags, opts: { out?: string }) =>
        (await import('./commands/keygen.js')).keygen(opts.out),
      ),
    );

  program
    .command('verify')
    .description('verify a journal offline: exit 0 intact and sealed, 1 anything else (naming the line)')
    .argument('<journal>', 'path to journal.jsonl')
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
          (await import('./commands/verify.js')).verify(
            journal,
            { pubkey: opts.pubkey, artefacts: Boolean(opts.artefacts), anchor: opts.anchor },
            env.aws,
          ),
      ),
    );

  program
    .command('report')
    .description(
      'an incident report from a journal (verified first): markdown for the ticket, or one HTML file',
    )
    .argument('<journal>', 'path to journal.jsonl')
    .addOption(
      new Option('--format <format>', 'md or html (default: html when --out ends in .html)').choices([
        'md',
        'html',
      ]),
    )
    .option('--out <file>', 'write the report to this file (never replaces one without --force)')
    .option('--force', 'replace an existing --out file (never the journal or its artefacts)')
    .option('--pubkey <pem>', 'the public key the journal must be signed with (else the key in its genesis)')
    .option(
      '--tz <zone>',
      'IANA time zone for the notification clock, besides UTC (e.g. Europe/Berlin)',
      'UTC',
    )
    .addOption(
      new Option('--now <time>', 'report as of this ISO 8601 time (reproducible reports)').hideHelp(),
    )
    .action(
      action(async (_env, _flags, journal: string, opts: ReportFlags) =>
        (await import('./commands/report.js')).report(journal, opts),
      ),
    );

  program
    .command('drill')
    .description(
      'tabletop drill: seed a leak on a local AWS emulator (moto, or the one --endpoint-url names), contain it with drp, check every control, score card and report',
    )
    .option('--scenario <name>', 'the incident seeded: deepfake-s3-leak (the only one)', 'deepfake-s3-leak')
    .option('--keep', 'leave the emulator running afterwards (prints its endpoint and pid)')
    .option('--out <dir>', 'for the drill key, journal, evidence and report (default ./drill/<incident-id>/)')
    .action(
      action(async (env, flags, opts: { scenario: string; keep?: boolean; out?: string }) =>
        (await import('./commands/drill.js')).drill(
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

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the message; help and --version are not errors.
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    }
    process.stderr.write(`drp: internal error: ${formatError(err)}\n`);
    process.exit(EXIT.failed);
  }
}

await main(process.argv);
