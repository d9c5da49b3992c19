import type { Command } from 'commander';
import type { Action } from './action.js';
import { CONTAIN_FLAGS, EVIDENCE_FLAGS, HARDEN_FLAGS, PRESERVE_FLAGS, SCAN_FLAGS } from './bucket-flags.js';
import { addFlagRows, flagValues } from './flag-table.js';
import { type RunFlags, runOptions, withRunFlags } from './flags.js';

// One bucket, one bundled runbook: these commands' flags are its params (their tables are in
// bucket-flags.ts), so the on-call engineer need not know the runbook's param names.

type Opts = RunFlags & Record<string, unknown> & { runbook?: string };

const runbookOption = (cmd: Command) =>
  cmd.option('--runbook <name|file>', 'another runbook taking the same params');

export function registerContain(program: Command, action: Action): void {
  const cmd = program
    .command('contain')
    .description('contain a leaked bucket: runs the deepfake-s3-leak runbook with these flags as its params');
  addFlagRows(withRunFlags(runbookOption(addFlagRows(cmd, CONTAIN_FLAGS))), EVIDENCE_FLAGS).action(
    action(async (env, _flags, opts: Opts) =>
      (await import('../commands/contain.js')).contain(
        { runbook: opts.runbook, flags: flagValues([...CONTAIN_FLAGS, ...EVIDENCE_FLAGS], opts) },
        runOptions(opts),
        env,
      ),
    ),
  );
}

export function registerScan(program: Command, action: Action): void {
  const cmd = program
    .command('scan')
    .description(
      'find synthetic or unsafe images in a bucket with Rekognition, or by their Content Credentials (--provenance): runs the scan-synthetic-media runbook',
    );
  withRunFlags(addFlagRows(cmd, SCAN_FLAGS)).action(
    action(async (env, _flags, opts: Opts) =>
      (await import('../commands/scan.js')).scan(flagValues(SCAN_FLAGS, opts), runOptions(opts), env),
    ),
  );
}

export function registerPreserve(program: Command, action: Action): void {
  const cmd = program
    .command('preserve')
    .description(
      'preserve the evidence of a leak (Object-Locked evidence bucket, CloudTrail and access logs, anchored journal): runs the preserve-evidence runbook',
    );
  addFlagRows(withRunFlags(runbookOption(addFlagRows(cmd, PRESERVE_FLAGS))), EVIDENCE_FLAGS).action(
    action(async (env, _flags, opts: Opts) =>
      (await import('../commands/preserve.js')).preserve(
        { runbook: opts.runbook, flags: flagValues([...PRESERVE_FLAGS, ...EVIDENCE_FLAGS], opts) },
        runOptions(opts),
        env,
      ),
    ),
  );
}

export function registerHarden(program: Command, action: Action): void {
  const cmd = program
    .command('harden')
    .description(
      'after the incident: AWS Config rules watching what was exploited and an MFA deny on writes to the bucket: runs the harden-after-leak runbook',
    );
  withRunFlags(runbookOption(addFlagRows(cmd, HARDEN_FLAGS))).action(
    action(async (env, _flags, opts: Opts) =>
      (await import('../commands/harden.js')).harden(
        { runbook: opts.runbook, flags: flagValues(HARDEN_FLAGS, opts) },
        runOptions(opts),
        env,
      ),
    ),
  );
}
