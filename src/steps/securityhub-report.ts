import * as z from 'zod';
import type { AwsSecurityFinding, HubFinding } from '../aws/securityhub.js';
import { SECURITYHUB_IMPORT_MAX as IMPORT_MAX } from '../aws/service-limits.js';
import { type Change, defineStep, type Plan, type StepContext, StepFailure } from './define.js';
import {
  incidentFinding,
  incidentFindingId,
  productArnOf,
  scanFinding,
  type SeverityLabel,
} from './lib/asff.js';
import { readFindingRecords, scanResultOf } from './lib/quarantine-findings.js';
import { BucketName, IamName, LambdaFunctionArn, VpcId } from '../names.js';
import restore from './securityhub-report.restore.js';

export interface Observed {
  enabled: boolean;
  region: string;
  productArn?: string;
  incidentFindingId?: string;
  /** The incident finding as Security Hub had it before this run (a re-run, or an earlier command of the incident). */
  existing?: HubFinding;
}

const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a step id is lowercase letters, digits and hyphens');

/** "s3-block-public-access applied: put-public-access-block s3://b" for the finding's description. */
function doneLines(ctx: StepContext): string[] {
  return (ctx.run?.steps ?? [])
    .filter((s) => s.changes.length > 0 || s.outcome === 'failed')
    .map(
      (s) =>
        `${s.id} ${s.outcome}${s.changes.length ? `: ${s.changes.map((c) => `${c.action} ${c.target}`).join(', ')}` : ''}`,
    );
}

async function scanFindings(ctx: StepContext, from: string[], severity: SeverityLabel, now: string) {
  const findings: AwsSecurityFinding[] = [];
  for (const id of from) {
    const scan = scanResultOf(id, ctx.results.get(id));
    if (!scan) continue;
    for (const { record } of await readFindingRecords(ctx.settings.evidenceDir, scan))
      if (record && typeof record === 'object')
        findings.push(scanFinding(ctx, record as Record<string, unknown>, severity, now));
  }
  return findings;
}

export default defineStep({
  type: 'securityhub-report',
  summary:
    "Import the incident into AWS Security Hub as an ASFF finding of the account's own product (the resources contained, what drp did, where the evidence is, the journal's head hash), plus one per finding of the scan steps named; the same ids on a re-run; Security Hub not enabled is a finding",
  params: z
    .object({
      enabled: z.boolean().default(true).describe('false plans nothing (--no-securityhub)'),
      severity: z
        .enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])
        .default('HIGH')
        .describe("The findings' severity label"),
      bucket: BucketName.optional().describe('The leaked bucket (a resource of the finding)'),
      users: z.array(IamName).default([]).describe('Contained IAM users (resources of the finding)'),
      roles: z.array(IamName).default([]).describe('Contained IAM roles (resources of the finding)'),
      functions: z
        .array(LambdaFunctionArn)
        .default([])
        .describe('Contained Lambda functions (patterns are left out)'),
      vpcs: z.array(VpcId).default([]).describe('VPCs whose flow logs were preserved'),
      findingsFrom: z
        .array(StepId)
        .default([])
        .describe(
          'Ids of earlier rekognition-scan or provenance-scan steps: one finding per version they flagged',
        ),
    })
    .strict(),
  permissions: ['securityhub:DescribeHub', 'securityhub:GetFindings', 'securityhub:BatchImportFindings'],
  example: {
    severity: 'HIGH',
    bucket: 'product-media-prod',
    users: ['media-uploader'],
    roles: [],
    findingsFrom: [],
  },
  restore,

  async plan(ctx, p): Promise<Plan<Observed>> {
    const region = ctx.region;
    if (!p.enabled) return { observed: { enabled: false, region }, changes: [] };
    const hub = await ctx.aws.securityhub.describeHub();
    if (!hub)
      return {
        observed: { enabled: true, region },
        changes: [],
        notApplicable: `Security Hub is not enabled in ${region}`,
        notes: [
          `Security Hub is not enabled in ${region} (account ${ctx.caller.accountId}): the SOC sees no finding of this incident there. Turn it on: aws securityhub enable-security-hub --region ${region}`,
        ],
      };
    const productArn = productArnOf(ctx);
    const id = incidentFindingId(ctx.incidentId);
    const existing = await ctx.aws.securityhub.getFinding(productArn, id);
    const observed: Observed = {
      enabled: true,
      region,
      productArn,
      incidentFindingId: id,
      ...(existing ? { existing } : {}),
    };
    const changes: Change[] = [
      {
        action: 'import-finding',
        target: `securityhub:${id}`,
        detail: `${p.severity}, ${existing ? `updates the finding imported on ${existing.createdAt ?? '?'} (workflow ${existing.workflowStatus ?? '?'} kept)` : 'new'}: resources contained, what drp did, evidence location, journal head`,
      },
      ...(p.findingsFrom.length
        ? [
            {
              action: 'import-scan-findings',
              target: `securityhub:drp/${ctx.incidentId}/scan/*`,
              detail: `one ${p.severity} finding per version step(s) ${p.findingsFrom.join(', ')} flag (counted after the scan)`,
            },
          ]
        : []),
    ];
    return { observed, changes };
  },

  async apply(ctx, p, plan) {
    const hub = ctx.aws.securityhub;
    const now = ctx.now().toISOString();
    const head = ctx.run?.head();
    const incident = incidentFinding(ctx, {
      contained: { bucket: p.bucket, users: p.users, roles: p.roles, functions: p.functions, vpcs: p.vpcs },
      severity: p.severity,
      createdAt: plan.observed.existing?.createdAt ?? now,
      done: doneLines(ctx),
      ...(ctx.run && head
        ? { journal: { id: ctx.run.journalId, head: head.hash, entries: head.entries } }
        : {}),
    });
    const scans = await scanFindings(ctx, p.findingsFrom, p.severity, now);
    const all = [incident, ...scans];
    const requestIds: string[] = [];
    const failed: { id: string; errorCode: string; errorMessage: string }[] = [];
    let imported = 0;
    for (let i = 0; i < all.length; i += IMPORT_MAX) {
      const batch = all.slice(i, i + IMPORT_MAX);
      let result;
      try {
        result = await hub.importFindings(batch);
      } catch (err) {
        throw new StepFailure(
          { changes: importedChanges(imported, scans.length, plan.observed), requestIds },
          { cause: err },
        );
      }
      if (result.requestId) requestIds.push(result.requestId);
      failed.push(...result.failed);
      imported += batch.length - result.failed.length;
    }
    const data = {
      productArn: plan.observed.productArn,
      incidentFindingId: incident.Id,
      imported,
      scanFindings: scans.length,
      ...(head ? { journalHead: head.hash } : {}),
    };
    if (failed.length) {
      const first = failed
        .slice(0, 3)
        .map((f) => `${f.id}: ${f.errorCode} ${f.errorMessage}`)
        .join('; ');
      // A 200 answer that refused findings is a failure: the SOC would not see them.
      throw new StepFailure(
        {
          changes: importedChanges(imported, scans.length, plan.observed),
          requestIds,
          data: { ...data, failed },
        },
        { cause: new Error(`Security Hub refused ${failed.length} of ${all.length} finding(s): ${first}`) },
      );
    }
    return { changes: importedChanges(imported, scans.length, plan.observed), requestIds, data };
  },
});

function importedChanges(imported: number, scans: number, o: Observed): Change[] {
  if (imported === 0) return [];
  return [
    {
      action: 'import-finding',
      target: `securityhub:${o.incidentFindingId ?? ''}`,
      detail: `${imported} finding(s) imported into ${o.productArn ?? 'Security Hub'}${scans ? ` (${scans} from the scan)` : ''}`,
      count: imported,
    },
  ];
}
