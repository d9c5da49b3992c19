import { EC2Client, paginateDescribeFlowLogs } from '@aws-sdk/client-ec2';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/** A VPC Flow Log as preserve-flow-logs needs it (DescribeFlowLogs). */
export interface FlowLog {
  id: string;
  /** The VPC, subnet or network interface it records. */
  resourceId: string;
  destinationType: 's3' | 'cloud-watch-logs' | 'kinesis-data-firehose' | string;
  /** arn:aws:s3:::bucket[/prefix] for s3; the log group's ARN for cloud-watch-logs. */
  destination?: string;
  logGroupName?: string;
  /** ACTIVE, or the delivery failing: DeliverLogsStatus FAILED with its message. */
  deliverLogsStatus?: string;
  deliverLogsError?: string;
  trafficType?: string;
  hiveCompatiblePartitions: boolean;
  perHourPartition: boolean;
  fileFormat?: string;
}

export interface Ec2Port {
  /** The flow logs of these resources (VPC ids), every page. */
  describeFlowLogs(resourceIds: readonly string[]): Promise<FlowLog[]>;
}

export function createEc2Client(settings: AwsSettings, readOnly: boolean): EC2Client {
  return instrument(new EC2Client(clientOptions(settings)), readOnly);
}

// DescribeFlowLogs takes at most 1000 results a page; a filter's values are kept to a modest 100
// per call rather than relying on an undocumented ceiling.
const IDS_PER_CALL = 100;

export function createEc2Port(client: EC2Client): Ec2Port {
  return {
    async describeFlowLogs(resourceIds) {
      const logs: FlowLog[] = [];
      for (let i = 0; i < resourceIds.length; i += IDS_PER_CALL) {
        const ids = resourceIds.slice(i, i + IDS_PER_CALL);
        const pages = paginateDescribeFlowLogs(
          { client },
          { Filter: [{ Name: 'resource-id', Values: [...ids] }], MaxResults: 1000 },
        );
        for await (const page of pages)
          for (const f of page.FlowLogs ?? [])
            logs.push({
              id: f.FlowLogId ?? '',
              resourceId: f.ResourceId ?? '',
              destinationType: f.LogDestinationType ?? 'cloud-watch-logs',
              ...(f.LogDestination ? { destination: f.LogDestination } : {}),
              ...(f.LogGroupName ? { logGroupName: f.LogGroupName } : {}),
              ...(f.DeliverLogsStatus ? { deliverLogsStatus: f.DeliverLogsStatus } : {}),
              ...(f.DeliverLogsErrorMessage ? { deliverLogsError: f.DeliverLogsErrorMessage } : {}),
              ...(f.TrafficType ? { trafficType: f.TrafficType } : {}),
              hiveCompatiblePartitions: f.DestinationOptions?.HiveCompatiblePartitions ?? false,
              perHourPartition: f.DestinationOptions?.PerHourPartition ?? false,
              ...(f.DestinationOptions?.FileFormat ? { fileFormat: f.DestinationOptions.FileFormat } : {}),
            });
      }
      return logs;
    },
  };
}
