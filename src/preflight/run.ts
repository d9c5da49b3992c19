import type { AwsSettings } from '../aws/config.js';
import { loadPorts } from '../aws/ports.js';
import { formatError, noRegion } from '../errors.js';
import { IDENTITIES, type Identity } from '../identities.js';
import type { Logger } from '../log.js';
import { identitiesUsed } from '../runbook/acting.js';
import type { AccountOptions, ResolvedIdentity } from '../runbook/identities.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { findStep } from '../steps/index.js';
import { checkBucket } from './bucket.js';
import { summarize, type Check, type Group, type Verdict } from './check.js';
import { checkEvidenceBucket } from './evidence.js';
import { checkIdentities } from './identities.js';
import { checkOrganization } from './organization.js';
import { checkPermissions, needsByIdentity, type PrincipalNeeds } from './permissions.js';
import { checkKeyFile, checkKmsKey } from './signing.js';
import { checkTrails } from './trails.js';

export interface PreflightInput {
  runbook: LoadedRunbook;
  buckets: string[];
  aws: AwsSettings;
  accounts: AccountOptions;
  operator: string;
  incidentId: string;
  askMfaCode?: (serial: string) => Promise<string>;
  evidenceBucket?: string;
  keyPath?: string;
  kmsKeyId?: string;
  log: Logger;
}

export interface PreflightReport {
  runbook: string;
  region: string;
  checks: Check[];
  counts: Record<Verdict, number>;
  topFixes: { verdict: Verdict; name: string; fix: string }[];
}

const partitionOf = (arn: string) => /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';

/** A check that could not run is itself a finding: the read it needed failed. */
async function guarded(group: Group, name: string, verdict: Verdict, run: () => Promise<Check[]>) {
  try {
    return await run();
  } catch (err) {
    return [
      {
        group,
        name,
        verdict,
        detail: `could not be checked: ${formatError(err)}`,
        fix: 'give the identity the read permissions drp permissions RUNBOOK lists, then run preflight again',
      } satisfies Check,
    ];
  }
}

/**
 * Every check, read-only: the ports are the read-only ones a plan uses (anything but Get, List,
 * Describe, Head, Lookup and Simulate is refused before it is signed). Identities first (nothing
 * else can be read as a role that cannot be assumed), then what each identity's steps will meet.
 */
export async function preflight(input: PreflightInput): Promise<PreflightReport> {
  const { runbook, log } = input;
  const definitions = runbook.runbook.steps.map((s) => ({ definition: findStep(s.type)! }));
  const used = identitiesUsed(definitions);
  const { createStsPort } = await import('../aws/sts.js');
  const region = input.aws.region ?? (await createStsPort(input.aws).region());
  if (!region) throw noRegion();
  const aws = { ...input.aws, region };
  const ids = await checkIdentities(aws, { ...input, used });
  const checks: Check[] = [...ids.checks];
  const settingsOf = (who: ResolvedIdentity, inRegion = region): AwsSettings => ({
    ...aws,
    region: inRegion,
    ...(who.credentials ? { credentials: who.credentials } : {}),
  });
  const { target, org, evidence } = ids.resolved;

  const bucketChecks: Check[] = [];
  const bucketRegions: string[] = [];
  if (target) {
    const s3 = (await loadPorts(new Set(['s3']), settingsOf(target), true)).s3;
    if (input.buckets.length === 0)
      bucketChecks.push({
        group: 'bucket',
        name: 'no --bucket',
        verdict: 'gap',
        detail: 'the bucket, its trail and its S3 permissions were not checked',
        fix: `drp preflight --bucket BUCKET (each bucket an incident could be about)`,
      });
    for (const bucket of input.buckets) {
      const found = await guarded('bucket', bucket, 'blocked', async () => {
        const r = await checkBucket(s3, runbook, bucket);
        if (r.region) bucketRegions.push(r.region);
        if (!r.region) return r.checks;
        const ports = await loadPorts(new Set(['s3', 'cloudtrail']), settingsOf(target, r.region), true);
        const trails = await guarded('evidence', `trails of ${bucket}`, 'gap', () =>
          checkTrails(ports.cloudtrail, ports.s3, runbook, bucket, r.region!, partitionOf(target.caller.arn)),
        );
        return [...r.checks, ...trails];
      });
      bucketChecks.push(...found);
    }
  }

  const permissionChecks = await checkAllPermissions(input, ids.resolved, used, settingsOf);

  const orgChecks =
    org && target
      ? await guarded('organization', 'organization', 'gap', async () =>
          checkOrganization(
            (await loadPorts(new Set(['organizations']), settingsOf(org), true)).organizations,
            runbook,
            target.caller.accountId,
          ),
        )
      : [];

  const evidenceChecks: Check[] = [];
  if (evidence) {
    const evidenceRegion = input.accounts.evidenceRegion ?? bucketRegions[0] ?? region;
    const name =
      input.evidenceBucket ??
      input.accounts.evidenceBucket ??
      `drp-evidence-${evidence.caller.accountId}-${evidenceRegion}`;
    evidenceChecks.push(
      ...(await guarded('evidence', `evidence bucket ${name}`, 'blocked', async () =>
        checkEvidenceBucket(
          (await loadPorts(new Set(['s3']), settingsOf(evidence, evidenceRegion), true)).s3,
          runbook,
          name,
          evidenceRegion,
        ),
      )),
    );
  }

  const signing = input.kmsKeyId
    ? await checkKmsKey((await import('../aws/kms.js')).createKmsPort(aws, true), input.kmsKeyId)
    : checkKeyFile(input.keyPath);

  // Checklist order: who drp is, what it may do, then what it will find.
  checks.push(...permissionChecks, ...orgChecks, ...bucketChecks, ...evidenceChecks, ...signing);
  log.info({ checks: checks.length }, 'preflight done');
  return { runbook: runbook.runbook.name, region, checks, ...summarize(checks) };
}

async function checkAllPermissions(
  input: PreflightInput,
  resolved: Partial<Record<Identity, ResolvedIdentity>>,
  used: ReadonlySet<Identity>,
  settingsOf: (who: ResolvedIdentity) => AwsSettings,
): Promise<Check[]> {
  const needs = needsByIdentity(input.runbook);
  // Identities that share credentials are one principal: simulated once, with all their actions.
  const principals = new Map<string, PrincipalNeeds & { who: ResolvedIdentity }>();
  for (const identity of IDENTITIES) {
    const who = resolved[identity];
    if (!who || !used.has(identity)) continue;
    const arn = who.caller.principalArn;
    const entry = principals.get(arn) ?? {
      principalArn: arn,
      identities: [] as Identity[],
      actions: new Map<string, string[]>(),
      who,
    };
    entry.identities.push(identity);
    for (const [action, steps] of needs.get(identity) ?? [])
      entry.actions.set(action, [...new Set([...(entry.actions.get(action) ?? []), ...steps])]);
    principals.set(arn, entry);
  }
  const { createIamSimulateClient, createIamSimulatePort } = await import('../aws/iam-simulate.js');
  const checks: Check[] = [];
  for (const p of principals.values()) {
    const sim = createIamSimulatePort(createIamSimulateClient(settingsOf(p.who)));
    const buckets = p.identities.includes('target') ? input.buckets : [];
    checks.push(...(await checkPermissions(sim, p, input.runbook, buckets, partitionOf(p.principalArn))));
  }
  return checks;
}
