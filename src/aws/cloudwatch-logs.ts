import {
  CloudWatchLogsClient,
  CreateExportTaskCommand,
  DescribeExportTasksCommand,
  type ExportTask as SdkExportTask,
} from '@aws-sdk/client-cloudwatch-logs';
import { callOf, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/** A CloudWatch Logs export task (DescribeExportTasks), as preserve-flow-logs tracks it. */
export interface ExportTask {
  taskId: string;
  logGroupName: string;
  /** The window exported, in epoch milliseconds. */
  from: number;
  to: number;
  destination: string;
  destinationPrefix: string;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, PENDING_CANCEL. */
  status: string;
  statusMessage?: string;
}

export interface ExportRequest {
  taskName: string;
  logGroupName: string;
  from: number;
  to: number;
  destination: string;
  destinationPrefix: string;
}

export interface CloudWatchLogsPort {
  /**
   * CreateExportTask. AWS allows one active (PENDING or RUNNING) export task per account: a second
   * one is refused with LimitExceededException, which this throws as is for the caller to queue.
   */
  createExportTask(request: ExportRequest): Promise<Call & { taskId: string }>;
  /** undefined when there is no task of that id. */
  describeExportTask(taskId: string): Promise<ExportTask | undefined>;
  /** Every export task of the account and region (newest first, as AWS lists them), every page. */
  listExportTasks(): Promise<ExportTask[]>;
}

export function createCloudWatchLogsClient(settings: AwsSettings, readOnly: boolean): CloudWatchLogsClient {
  return instrument(new CloudWatchLogsClient(clientOptions(settings)), readOnly);
}

const toTask = (t: SdkExportTask): ExportTask => ({
  taskId: t.taskId ?? '',
  logGroupName: t.logGroupName ?? '',
  from: t.from ?? 0,
  to: t.to ?? 0,
  destination: t.destination ?? '',
  destinationPrefix: t.destinationPrefix ?? '',
  status: t.status?.code ?? 'PENDING',
  ...(t.status?.message ? { statusMessage: t.status.message } : {}),
});

export function createCloudWatchLogsPort(client: CloudWatchLogsClient): CloudWatchLogsPort {
  return {
    async createExportTask(r) {
      const out = await client.send(
        new CreateExportTaskCommand({
          taskName: r.taskName,
          logGroupName: r.logGroupName,
          from: r.from,
          to: r.to,
          destination: r.destination,
          destinationPrefix: r.destinationPrefix,
        }),
      );
      return { ...callOf(out), taskId: out.taskId ?? '' };
    },

    async describeExportTask(taskId) {
      try {
        const out = await client.send(new DescribeExportTasksCommand({ taskId }));
        const task = out.exportTasks?.find((t) => t.taskId === taskId);
        return task ? toTask(task) : undefined;
      } catch (err) {
        if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    },

    // The SDK has no paginator for DescribeExportTasks: its nextToken is followed here.
    async listExportTasks() {
      const tasks: ExportTask[] = [];
      let nextToken: string | undefined;
      do {
        const out = await client.send(
          new DescribeExportTasksCommand({ limit: 50, ...(nextToken ? { nextToken } : {}) }),
        );
        tasks.push(...(out.exportTasks ?? []).map(toTask));
        nextToken = out.nextToken;
      } while (nextToken);
      return tasks;
    },
  };
}
