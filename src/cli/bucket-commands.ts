import type { Command } from 'commander';
import type { ScanFlags } from '../commands/scan.js';
import type { Action } from './action.js';
import type { EvidenceFlags } from '../commands/flag-params.js';
import {
  evidenceOptions,
  type LeakFlags,
  leakOptions,
  type RunFlags,
  runOptions,
  withEvidenceFlags,
  withRunFlags,
} from './flags.js';
import { collect, wholeNumber } from './values.js';

// One bucket, one bundled runbook: these commands' flags are its params, so the on-call engineer
// need not know the runbook's param names.

interface ContainFlags extends LeakFlags {
  function?: string[];
  api?: string[];
  scpTarget?: string;
  retentionDays?: number;
  batchThreshold?: number;
  batchRoleArn?: string;
}

export function registerContain(program: Command, action: Action): void {
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
          wholeNumber('--retention-days', 1, 36500),
        )
        .option(
          '--batch-threshold <n>',
          'above this many versions, one S3 Batch Operations job places the legal holds (default 100000)',
          wholeNumber('--batch-threshold', 1, 1_000_000_000_000),
        )
        .option('--batch-role-arn <arn>', 'the role S3 Batch Operations assumes (needed above the threshold)')
        .option('--runbook <name|file>', 'another runbook taking the same params'),
    ),
  ).action(
    action(async (env, _flags, opts: RunFlags & EvidenceFlags & ContainFlags) =>
      (await import('../commands/contain.js')).contain(
        {
          ...leakOptions(opts),
          functions: opts.function,
          apis: opts.api,
          scpTarget: opts.scpTarget,
          retentionDays: opts.retentionDays,
          batchThreshold: opts.batchThreshold,
          batchRoleArn: opts.batchRoleArn,
          ...evidenceOptions(opts),
        },
        runOptions(opts),
        env,
      ),
    ),
  );
}

export function registerScan(program: Command, action: Action): void {
  withRunFlags(
    program
      .command('scan')
      .description(
        'find synthetic or unsafe images in a bucket with Rekognition, or by their Content Credentials (--provenance): runs the scan-synthetic-media runbook',
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
      .option(
        '--labels <label>',
        'only these moderation labels (or their parents) count (repeatable)',
        collect,
      )
      .option(
        '--custom-label <name>',
        'a label of the Custom Labels model that is a finding (repeatable; required with --custom-labels-model)',
        collect,
      )
      .option(
        '--provenance',
        "read each image's Content Credentials (C2PA) and XMP digital source type; alone, no Rekognition call is made",
      )
      .option('--rekognition', 'with --provenance: scan with Rekognition too')
      .option(
        '--trusted-signer <subject|sha256>',
        'a signing certificate subject DN or SHA-256 fingerprint whose valid credentials make an image trusted (repeatable)',
        collect,
      )
      .option(
        '--require-credentials',
        'images without credentials, or not signed by a trusted signer, are findings too',
      )
      .option(
        '--provenance-max-bytes <n>',
        'bytes read from one object at most for its provenance (default 16777216)',
        wholeNumber('--provenance-max-bytes', 65536, 1073741824),
      )
      .option(
        '--quarantine',
        'legal hold and drp tags on each finding version (the bucket needs Object Lock)',
      )
      .option(
        '--max-tps <n>',
        'Rekognition calls per second at most (default 10)',
        wholeNumber('--max-tps', 1, 1000),
      ),
  ).action(
    action(async (env, _flags, opts: RunFlags & ScanFlags) => {
      const { bucket, prefix, since, minConfidence, customLabelsModel, labels, quarantine, maxTps } = opts;
      const { customLabel, provenance, rekognition, trustedSigner, requireCredentials, provenanceMaxBytes } =
        opts;
      return (await import('../commands/scan.js')).scan(
        {
          ...{ bucket, prefix, since, minConfidence, customLabelsModel, labels, quarantine, maxTps },
          ...{ customLabel, provenance, rekognition, trustedSigner, requireCredentials, provenanceMaxBytes },
        },
        runOptions(opts),
        env,
      );
    }),
  );
}

export function registerPreserve(program: Command, action: Action): void {
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
        .option('--runbook <name|file>', 'another runbook taking the same params'),
    ),
  ).action(
    action(async (env, _flags, opts: RunFlags & EvidenceFlags & LeakFlags) =>
      (await import('../commands/preserve.js')).preserve(
        { ...leakOptions(opts), ...evidenceOptions(opts) },
        runOptions(opts),
        env,
      ),
    ),
  );
}
