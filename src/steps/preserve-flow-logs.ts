import * as z from 'zod';
import type { FlowLog } from '../aws/ec2.js';
import { type Applied, type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { exportGroups } from './lib/flow-logs/export-apply.js';
import { exportRoot, groupExports, type GroupExport } from './lib/flow-logs/export.js';
import { exportStatements, withExportStatements } from './lib/flow-logs/export-policy.js';
import { flowLogSources } from './lib/flow-logs/sources.js';
import { flowLogFindings, functionVpcs, type FunctionVpc } from './lib/flow-logs/vpcs.js';
import { flowLogFileTime, s3Uri } from './lib/preservation/layout.js';
import {
  copyChange,
  copyLogs,
  EVIDENCE_COPY_ACTIONS,
  countPending,
  logCopyIo,
  type LogSource,
  type PendingCount,
} from './lib/preservation/log-copy.js';
import { describeWindow, Since, windowOf, type Window } from './lib/preservation/window.js';
import { LambdaFunctionArn, partitionOf, VpcId } from '../names.js';

export interface Observed {
  window: { start: string; end: string };
  vpcs: string[];
  functions: FunctionVpc[];
  flowLogs: FlowLog[];
  s3: (LogSource & { flowLogIds: string[]; pending: PendingCount })[];
  exports: GroupExport[];
  /** Whether the evidence bucket's policy must gain the statements that let CloudWatch Logs write. */
  exportPolicy?: 'present' | 'to-add';
}

async function observe(ctx: StepContext, p: { vpcs: string[]; functions: string[] }, window: Window) {
  const functions = await functionVpcs(ctx, p.functions);
  const vpcs = [...new Set([...p.vpcs, ...functions.flatMap((f) => (f.vpcId ? [f.vpcId] : []))])];
  const flowLogs = vpcs.length ? await ctx.aws.ec2.describeFlowLogs(vpcs) : [];
  const tasks = flowLogs.some((l) => l.destinationType === 'cloud-watch-logs')
    ? await ctx.aws.logs.listExportTasks()
    : [];
  return {
    functions,
    vpcs,
    flowLogs,
    s3: flowLogSources(flowLogs, window, ctx.caller.accountId, ctx.region),
    exports: groupExports(ctx, flowLogs, tasks, window.start),
  };
}

export default defineStep({
  type: 'preserve-flow-logs',
  summary:
    "Preserve the VPC Flow Logs of the window (since) for the given VPCs and the VPCs of the contained functions: files a flow log publishes to S3 are copied into the evidence bucket like CloudTrail's (pinned, SHA-256, legal hold, read back); a CloudWatch Logs log group is exported there (one export task at a time), then its files copied the same way; a VPC without flow logs is a finding",
  params: z
    .object({
      vpcs: z.array(VpcId).default([]).describe('VPCs whose flow logs are preserved'),
      functions: z
        .array(LambdaFunctionArn)
        .default([])
        .describe('Lambda functions whose VPC (from their VPC config) is added to vpcs'),
      since: Since.default('7d').describe(
        'How far back flow logs are preserved: a duration (7d, 36h, 90m), an ISO 8601 time with a zone, or a date',
      ),
      exportWaitMinutes: z
        .number()
        .int()
        .min(1)
        .max(720)
        .default(60)
        .describe('How long to wait for CloudWatch Logs export tasks (queued one at a time) before failing'),
    })
    .strict(),
  permissions: [
    'ec2:DescribeFlowLogs',
    'lambda:GetFunctionConfiguration',
    'logs:CreateExportTask',
    'logs:DescribeExportTasks',
    's3:ListBucket',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:PutObjectLegalHold',
    's3:GetObjectLegalHold',
    // The evidence bucket's policy gains the statements that let CloudWatch Logs write an export.
    's3:GetBucketPolicy',
    's3:PutBucketPolicy',
    'kms:Decrypt',
  ],
  // Across accounts the evidence bucket is the forensics account's: its copies, holds and policy
  // are written as the evidence identity (one account: the same credentials).
  alsoActsAs: {
    evidence: [...EVIDENCE_COPY_ACTIONS, 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
  },
  example: { vpcs: ['vpc-0a1b2c3d4e5f67890'], functions: [], since: '7d', exportWaitMinutes: 60 },

  async plan(ctx, p) {
    const window = windowOf(p.since, ctx.now());
    const seen = await observe(ctx, p, window);
    const evidence = ctx.settings.evidenceBucket;
    // Flow log files are read as the workload ('target'); the evidence bucket is the evidence identity's.
    const io = await logCopyIo(ctx, 'target');
    const evidenceExists = await io.evidence.bucketExists(evidence);
    const s3 = await Promise.all(
      seen.s3.map(async (s) => ({
        ...s,
        pending: await countPending(ctx, io, s, {
          kind: 'flow-logs',
          start: window.start,
          fileTime: flowLogFileTime,
          evidenceExists,
        }),
      })),
    );
    let exportPolicy: Observed['exportPolicy'];
    if (seen.exports.length) {
      const policy = evidenceExists ? ((await io.evidence.getBucketPolicy(evidence)) ?? null) : null;
      const merged = withExportStatements(
        evidence,
        policy,
        exportStatements(ctx, evidence, exportRoot(ctx.incidentId)),
      );
      exportPolicy = merged.unchanged ? 'present' : 'to-add';
    }
    const observed: Observed = {
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      ...seen,
      s3,
      ...(exportPolicy ? { exportPolicy } : {}),
    };
    const changes: Change[] = [
      ...s3
        .filter((s) => s.pending.files > 0)
        .map((s) => copyChange(ctx, 'flow-logs', s, s.pending, describeWindow(window))),
      ...(exportPolicy === 'to-add'
        ? [
            {
              action: 'put-bucket-policy',
              target: s3Uri(evidence),
              detail: `allow logs.${ctx.region}.amazonaws.com (this account's log groups only) to write exports under ${exportRoot(ctx.incidentId)}; every other statement kept`,
            },
          ]
        : []),
      ...seen.exports.map((g) => ({
        action: 'export-log-group',
        target: `logs:${g.logGroupName}`,
        detail: `${g.active ? `wait for export task ${g.active}` : `${new Date(g.from).toISOString().slice(0, 16)}Z to now`} into ${s3Uri(evidence, g.prefix)}, then copy each file verified and held`,
      })),
    ];
    const notes = flowLogFindings(seen.vpcs, seen.flowLogs, seen.functions, partitionOf(ctx.caller.arn));
    if (s3.length && s3.every((s) => s.pending.files === 0))
      notes.push('no flow log file to copy in the window (none delivered, or all preserved already)');
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, p, plan) {
    const window = { start: new Date(plan.observed.window.start), end: ctx.now() };
    const parts: Applied[] = [];
    const failures: unknown[] = [];
    const attempt = async (work: () => Promise<Applied>) => {
      try {
        parts.push(await work());
      } catch (err) {
        if (err instanceof StepFailure) parts.push(err.partial as Applied);
        failures.push(err instanceof StepFailure ? err.cause : err);
      }
    };
    // Files published to S3: the window re-listed up to now, so files delivered since the plan count too.
    const sources = flowLogSources(plan.observed.flowLogs, window, ctx.caller.accountId, ctx.region);
    if (sources.length)
      await attempt(async () =>
        copyLogs(ctx, await logCopyIo(ctx, 'target'), 'flow-logs', sources, {
          start: window.start,
          fileTime: flowLogFileTime,
          total: plan.observed.s3.reduce((n, s) => n + s.pending.files, 0),
          label: 'copying VPC flow log files',
          manifest: 'flow-logs-manifest.jsonl',
        }),
      );
    // Each kind of destination is independent: a failed export does not cost the S3 copies.
    if (plan.observed.exports.length)
      await attempt(() => exportGroups(ctx, p.exportWaitMinutes, plan.observed));
    const applied: Applied = {
      changes: parts.flatMap((a) => a.changes),
      requestIds: parts.flatMap((a) => a.requestIds),
      data: Object.assign({}, ...parts.map((a) => a.data as object)),
      notes: parts.flatMap((a) => a.notes ?? []),
    };
    if (failures.length) throw new StepFailure(applied, { cause: failures[0] });
    return applied;
  },
});
