import type { FlowLog } from '../../../aws/ec2.js';
import type { LogSource } from '../preservation/log-copy.js';
import { daysOf, type Window } from '../preservation/window.js';

/**
 * Where a flow log that publishes to S3 puts its files (Amazon VPC User Guide, "Flow log files"):
 *
 *   <bucket>/<optional prefix>/AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/[<HH>/]
 *   ...AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=<yyyy>/month=<mm>/day=<dd>/[hour=<HH>/]
 *
 * (the second with Hive-compatible prefixes). Each file is named
 * <account>_vpcflowlogs_<region>_<flow-log-id>_<yyyymmddThhmmZ>_<hash>.log.gz, so the files of one
 * flow log are told apart from other flow logs sharing the bucket by `_<flow-log-id>_`.
 */

/** arn:aws:s3:::bucket/optional/prefix/ -> { bucket, prefix: 'optional/prefix/' } */
export function s3Destination(arn: string): { bucket: string; prefix: string } | undefined {
  const m = /^arn:[^:]+:s3:::([^/]+)(?:\/(.*))?$/.exec(arn);
  if (!m) return undefined;
  const prefix = (m[2] ?? '').replace(/\/+$/, '');
  return { bucket: m[1]!, prefix: prefix ? `${prefix}/` : '' };
}

function dayPrefix(log: FlowLog, root: string, account: string, region: string, [y, m, d]: string[]): string {
  return log.hiveCompatiblePartitions
    ? `${root}aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/year=${y}/month=${m}/day=${d}/`
    : `${root}${account}/vpcflowlogs/${region}/${y}/${m}/${d}/`;
}

/**
 * One source per bucket and root: the day prefixes of the window of every flow log writing there
 * (an hourly partition is under its day), and only those flow logs' files.
 */
export function flowLogSources(
  logs: FlowLog[],
  window: Window,
  account: string,
  region: string,
): (LogSource & { flowLogIds: string[] })[] {
  const byRoot = new Map<string, LogSource & { flowLogIds: string[] }>();
  for (const log of logs) {
    const where =
      log.destinationType === 's3' && log.destination ? s3Destination(log.destination) : undefined;
    if (!where) continue;
    const root = `${where.prefix}AWSLogs/`;
    const id = `${where.bucket}/${root}`;
    const source = byRoot.get(id) ?? {
      bucket: where.bucket,
      writers: [],
      root,
      prefixes: [],
      only: [],
      flowLogIds: [],
    };
    byRoot.set(id, source);
    source.writers.push(`flow log ${log.id} of ${log.resourceId}`);
    source.flowLogIds.push(log.id);
    source.only!.push(`_${log.id}_`);
    for (const day of daysOf(window)) {
      const prefix = dayPrefix(log, root, account, region, day);
      if (!source.prefixes.includes(prefix)) source.prefixes.push(prefix);
    }
  }
  return [...byRoot.values()];
}
