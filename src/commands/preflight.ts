import { isUserError, UserError } from '../errors.js';
import { BucketName } from '../names.js';
import { renderPreflight } from '../preflight/render.js';
import { preflight } from '../preflight/run.js';
import { loadRunbook } from '../runbook/load.js';
import { checkIncidentId, newIncidentId } from '../runbook/session.js';
import { identityOptions } from './accounts.js';
import type { CommandEnv, CommandResult } from './env.js';
import type { SigningOptions } from './signing.js';

export interface PreflightOptions extends SigningOptions {
  buckets: string[];
  runbook: string;
  evidenceBucket?: string;
  evidenceRegion?: string;
  operator?: string;
}

function checkBucketFlag(flag: string, name: string): string {
  const check = BucketName.safeParse(name);
  if (!check.success) throw new UserError(`${flag} ${name}: ${check.error.issues[0]?.message}`);
  return name;
}

/**
 * `drp preflight`: before an incident, prove read-only that a run of the runbook would work here,
 * and say what to fix. Exit 0 when nothing is blocked (gaps included), 1 when something is.
 */
export async function runPreflight(opts: PreflightOptions, env: CommandEnv): Promise<CommandResult> {
  const buckets = [...new Set(opts.buckets.map((b) => checkBucketFlag('--bucket', b)))];
  if (opts.evidenceBucket) checkBucketFlag('--evidence-bucket', opts.evidenceBucket);
  if (opts.keyPath && opts.kmsKeyId)
    throw new UserError('--key and --kms-key-id: give one signing key, not both');
  const runbook = (() => {
    try {
      return loadRunbook(opts.runbook);
    } catch (err) {
      if (isUserError(err)) throw new UserError(`--runbook ${opts.runbook}: ${err.message}`, err.details);
      throw err;
    }
  })();
  const ids = await identityOptions(env, opts.operator);
  const accounts = ids.accounts ?? { roles: {} };
  const report = await preflight({
    runbook,
    buckets,
    aws: env.aws,
    accounts: opts.evidenceRegion ? { ...accounts, evidenceRegion: opts.evidenceRegion } : accounts,
    operator: ids.operator,
    incidentId: checkIncidentId(env.incidentId ?? newIncidentId()),
    ...(ids.askMfaCode ? { askMfaCode: ids.askMfaCode } : {}),
    ...(opts.evidenceBucket ? { evidenceBucket: opts.evidenceBucket } : {}),
    ...(opts.keyPath ? { keyPath: opts.keyPath } : {}),
    ...(opts.kmsKeyId ? { kmsKeyId: opts.kmsKeyId } : {}),
    log: env.log,
  });
  return { exitCode: report.counts.blocked ? 1 : 0, text: renderPreflight(report), json: report };
}
