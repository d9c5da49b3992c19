import { type Applied, type Change, type StepContext, StepFailure } from '../../define.js';
import { s3Uri } from '../preservation/layout.js';
import { copyLogs, logCopyIo } from '../preservation/log-copy.js';
import { exportCopySource, exportRoot, runExport, type GroupExport } from './export.js';
import { exportStatements, withExportStatements } from './export-policy.js';

/** What preserve-flow-logs planned for its CloudWatch Logs flow logs. */
export interface ExportPlan {
  exports: GroupExport[];
  exportPolicy?: 'present' | 'to-add';
}

// Exported files carry no time in their names and were all written by this incident's exports.
const noFileTime = () => undefined;

/** The export policy, then each log group exported in turn and its files copied. */
export async function exportGroups(
  ctx: StepContext,
  waitMinutes: number,
  observed: ExportPlan,
): Promise<Applied> {
  const evidence = ctx.settings.evidenceBucket;
  const changes: Change[] = [];
  const requestIds: string[] = [];
  const exports: { logGroup: string; taskId: string; from: number; to: number }[] = [];
  // The exports land in the evidence bucket: their files are read and held there as the evidence identity.
  const io = await logCopyIo(ctx, 'evidence');
  try {
    if (observed.exportPolicy === 'to-add') {
      const merged = withExportStatements(
        evidence,
        (await io.evidence.getBucketPolicy(evidence)) ?? null,
        exportStatements(ctx, evidence, exportRoot(ctx.incidentId)),
      );
      if (!merged.unchanged) {
        const call = await io.evidence.putBucketPolicy(evidence, merged.text);
        if (call.requestId) requestIds.push(call.requestId);
        changes.push({
          action: 'put-bucket-policy',
          target: s3Uri(evidence),
          detail: 'CloudWatch Logs export statements added',
        });
      }
    }
    const deadline = Date.now() + waitMinutes * 60_000;
    const to = ctx.now().getTime();
    for (const group of observed.exports) {
      if (!group.active && group.from >= to) continue;
      const done = await runExport(ctx, group, to, deadline);
      if (done.requestId) requestIds.push(done.requestId);
      exports.push({ logGroup: group.logGroupName, taskId: done.taskId, from: done.from, to: done.to });
      changes.push({
        action: 'export-log-group',
        target: `logs:${group.logGroupName}`,
        detail: `export task ${done.taskId}: ${new Date(done.from).toISOString()} to ${new Date(done.to).toISOString()}`,
      });
    }
  } catch (err) {
    throw new StepFailure({ changes, requestIds, data: { exports } }, { cause: err });
  }
  const copied = await copyLogs(
    ctx,
    io,
    'flow-logs',
    observed.exports.map((g) => exportCopySource(ctx, g)),
    {
      start: new Date(0),
      fileTime: noFileTime,
      total: 0,
      label: 'copying exported flow logs',
      manifest: 'flow-logs-cloudwatch-manifest.jsonl',
    },
  ).catch((err: unknown) => {
    if (!(err instanceof StepFailure)) throw err;
    const partial = err.partial as Applied;
    throw new StepFailure(
      {
        ...partial,
        changes: [...changes, ...partial.changes],
        requestIds,
        data: { exports, exportCopies: partial.data },
      },
      { cause: err.cause },
    );
  });
  return {
    changes: [...changes, ...copied.changes],
    requestIds,
    data: { exports, exportCopies: copied.data },
    ...(copied.notes?.length ? { notes: copied.notes } : {}),
  };
}
