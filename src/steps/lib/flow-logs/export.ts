import { setTimeout as delay } from 'node:timers/promises';
import type { ExportTask } from '../../../aws/cloudwatch-logs.js';
import type { FlowLog } from '../../../aws/ec2.js';
import type { StepContext } from '../../define.js';
import { incidentPrefix } from '../preservation/layout.js';
import type { LogSource } from '../preservation/log-copy.js';

/**
 * Flow logs that publish to CloudWatch Logs are preserved through CreateExportTask: the window of
 * the log group is exported into the evidence bucket (CloudWatch Logs supports Object Lock buckets
 * with a retention period, and SSE-KMS ones whose key allows it), under a staging prefix, then every
 * exported file is copied beside it by the same verified copy as log files (pinned source, SHA-256,
 * legal hold, read back). AWS runs one export task (PENDING or RUNNING) per account at a time: the
 * exports are queued, one after another, and a task someone else started is waited out.
 */

/** incidents/<id>/flow-logs/cloudwatch-export/: where CloudWatch Logs writes; its files stay, under the bucket's default retention. */
export const exportRoot = (incidentId: string) => `${incidentPrefix(incidentId)}flow-logs/cloudwatch-export/`;
/** incidents/<id>/flow-logs/cloudwatch/: the verified, held copies. */
export const copyRoot = (incidentId: string) => `${incidentPrefix(incidentId)}flow-logs/cloudwatch/`;

/** A log group name as one key segment: /vpc/flow-logs -> vpc_flow-logs. */
export const groupSlug = (group: string) =>
  group.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'log-group';

export interface GroupExport {
  logGroupName: string;
  flowLogIds: string[];
  /** incidents/<id>/flow-logs/cloudwatch-export/<slug>/ */
  prefix: string;
  /** Exports of this group already COMPLETED for this incident. */
  done: { taskId: string; from: number; to: number }[];
  /** One of ours still PENDING or RUNNING (a run cut off while it waited): waited for, not repeated. */
  active?: string;
  /** Where the next export starts (epoch ms): the window's start, or the end of the last one done. */
  from: number;
}

/** The log groups of the CloudWatch Logs flow logs, with what this incident exported of each before. */
export function groupExports(
  ctx: StepContext,
  logs: FlowLog[],
  tasks: ExportTask[],
  windowStart: Date,
): GroupExport[] {
  const groups = new Map<string, GroupExport>();
  for (const log of logs) {
    if (log.destinationType !== 'cloud-watch-logs' || !log.logGroupName) continue;
    const name = log.logGroupName;
    const known = groups.get(name);
    if (known) {
      known.flowLogIds.push(log.id);
      continue;
    }
    const prefix = `${exportRoot(ctx.incidentId)}${groupSlug(name)}/`;
    const ours = tasks.filter(
      (t) =>
        t.logGroupName === name &&
        t.destination === ctx.settings.evidenceBucket &&
        t.destinationPrefix.startsWith(prefix),
    );
    const done = ours
      .filter((t) => t.status === 'COMPLETED')
      .map((t) => ({ taskId: t.taskId, from: t.from, to: t.to }));
    const active = ours.find((t) => t.status === 'PENDING' || t.status === 'RUNNING');
    const from = Math.max(windowStart.getTime(), ...done.map((d) => d.to));
    groups.set(name, {
      logGroupName: name,
      flowLogIds: [log.id],
      prefix,
      done,
      ...(active ? { active: active.taskId } : {}),
      from,
    });
  }
  return [...groups.values()];
}

/** The copies of a group's exported files: everything under its export prefix, to the copy root. */
export function exportCopySource(ctx: StepContext, group: GroupExport): LogSource {
  const to = `${copyRoot(ctx.incidentId)}${groupSlug(group.logGroupName)}/`;
  return {
    bucket: ctx.settings.evidenceBucket,
    writers: [`CloudWatch Logs export of ${group.logGroupName}`],
    root: group.prefix,
    prefixes: [group.prefix],
    copyTo: { from: group.prefix, to },
  };
}

/** How long the queue sleeps between looks at a task; tests shorten it. */
export const pacing = { pollMs: 5_000, sleep: (ms: number) => delay(ms) };

export class ExportTimeout extends Error {
  override readonly name = 'ExportTimeout';
}

export class ExportFailed extends Error {
  override readonly name = 'ExportFailed';
}

const isLimit = (err: unknown) => err instanceof Error && err.name === 'LimitExceededException';

/**
 * Starts the export, waiting while another export task of the account is active (AWS's limit of
 * one), then waits for it to finish. Returns the completed task; throws ExportFailed when it
 * failed or was cancelled, ExportTimeout at the deadline (a re-run waits for the same task).
 */
export async function runExport(
  ctx: StepContext,
  group: GroupExport,
  to: number,
  deadline: number,
): Promise<{ taskId: string; requestId?: string; from: number; to: number }> {
  const logs = ctx.aws.logs;
  let taskId = group.active;
  let requestId: string | undefined;
  let from = group.from;
  while (!taskId) {
    try {
      const created = await logs.createExportTask({
        taskName: `drp-${ctx.incidentId}-${groupSlug(group.logGroupName)}`.slice(0, 512),
        logGroupName: group.logGroupName,
        from,
        to,
        destination: ctx.settings.evidenceBucket,
        destinationPrefix: `${group.prefix}${from}-${to}`,
      });
      taskId = created.taskId;
      requestId = created.requestId;
    } catch (err) {
      if (!isLimit(err)) throw err;
      if (Date.now() >= deadline)
        throw new ExportTimeout(
          `another CloudWatch Logs export task of this account was still active at the deadline (AWS runs one at a time): ${group.logGroupName} was not exported; run the same command again once it has finished`,
          { cause: err },
        );
      ctx.log.info({ logGroup: group.logGroupName }, 'another export task is active: waiting for it');
      await pacing.sleep(pacing.pollMs);
    }
  }
  for (;;) {
    const task = await logs.describeExportTask(taskId);
    if (task?.status === 'COMPLETED') {
      from = task.from;
      return { taskId, ...(requestId ? { requestId } : {}), from, to: task.to };
    }
    if (!task || task.status === 'FAILED' || task.status === 'CANCELLED' || task.status === 'PENDING_CANCEL')
      throw new ExportFailed(
        `CloudWatch Logs export task ${taskId} of ${group.logGroupName} ${task ? `ended ${task.status}${task.statusMessage ? `: ${task.statusMessage}` : ''}` : 'is gone'}; check the evidence bucket's policy (and its KMS key policy with SSE-KMS) allows logs.${ctx.region}.amazonaws.com, then run again`,
      );
    if (Date.now() >= deadline)
      throw new ExportTimeout(
        `CloudWatch Logs export task ${taskId} of ${group.logGroupName} is still ${task.status}: run the same command again later; drp waits for that task rather than starting another`,
      );
    await pacing.sleep(pacing.pollMs);
  }
}
