import { UserError } from '../errors.js';
import { loadRunbook } from '../runbook/load.js';
import type { GivenParam } from '../runbook/params.js';
import { BucketName, ObjectKeyPrefix, RekognitionModelVersionArn } from '../steps/names.js';
import { parseSince } from '../steps/since.js';
import { checkModeFlags, provenanceParams } from './scan-provenance-flags.js';
import type { CommandEnv, CommandResult } from './env.js';
import { runRunbook, type RunOptions } from './run.js';

export const SCAN_RUNBOOK = 'scan-synthetic-media';

/** scan's own flags; each one given feeds the runbook param of the same meaning. */
export interface ScanFlags {
  bucket: string;
  prefix?: string;
  since?: string;
  minConfidence?: number;
  customLabelsModel?: string;
  labels?: string[];
  quarantine?: boolean;
  maxTps?: number;
  /** The Custom Labels model's labels that are findings (issue 15: a binary model also says "authentic"). */
  customLabel?: string[];
  /** Read Content Credentials and XMP; alone, without --rekognition, no Rekognition call is made. */
  provenance?: boolean;
  rekognition?: boolean;
  trustedSigner?: string[];
  requireCredentials?: boolean;
  provenanceMaxBytes?: number;
}

/** Checks what the flags alone can tell (exit 2 naming the flag, before any AWS call), then maps them. */
export function scanParams(flags: ScanFlags, now: Date): GivenParam[] {
  const bucket = BucketName.safeParse(flags.bucket);
  if (!bucket.success) throw new UserError(`--bucket ${flags.bucket}: ${bucket.error.issues[0]?.message}`);
  if (flags.prefix !== undefined) {
    const prefix = ObjectKeyPrefix.safeParse(flags.prefix);
    if (!prefix.success) throw new UserError(`--prefix: ${prefix.error.issues[0]?.message}`);
  }
  if (flags.since !== undefined) {
    const { error } = parseSince(flags.since, now);
    if (error) throw new UserError(`--since ${error}`);
  }
  if (flags.customLabelsModel !== undefined) {
    const check = RekognitionModelVersionArn.safeParse(flags.customLabelsModel);
    if (!check.success)
      throw new UserError(
        `--custom-labels-model ${flags.customLabelsModel}: ${check.error.issues[0]?.message}`,
      );
  }
  for (const label of flags.labels ?? [])
    if (!label.trim())
      throw new UserError('--labels: a label name is not empty (e.g. --labels "Explicit Nudity")');
  checkModeFlags(flags);

  const given: GivenParam[] = [{ name: 'bucket', value: flags.bucket, flag: '--bucket' }];
  const add = (name: string, flag: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) given.push({ name, value: String(value), flag: `${flag} ${value}` });
  };
  add('prefix', '--prefix', flags.prefix);
  add('since', '--since', flags.since);
  add('minConfidence', '--min-confidence', flags.minConfidence);
  add('customLabelsModel', '--custom-labels-model', flags.customLabelsModel);
  for (const label of flags.labels ?? []) add('labels', '--labels', label);
  add('maxTps', '--max-tps', flags.maxTps);
  if (flags.quarantine) add('quarantine', '--quarantine', true);
  given.push(...provenanceParams(flags));
  return given;
}

/** `drp scan --bucket NAME`: the scan-synthetic-media runbook, with --quarantine running its second step. */
export async function scan(
  flags: ScanFlags,
  run: Omit<RunOptions, 'runbook' | 'params' | 'command'>,
  env: CommandEnv,
): Promise<CommandResult> {
  const params = scanParams(flags, env.now?.() ?? new Date());
  return runRunbook({ ...run, runbook: loadRunbook(SCAN_RUNBOOK), params, command: 'scan' }, env);
}
