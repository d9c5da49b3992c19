import type { FlowLog } from '../../../aws/ec2.js';
import type { StepContext } from '../../define.js';

export interface FunctionVpc {
  arn: string;
  vpcId?: string;
  /** Why no VPC came of it. */
  problem?: string;
}

/** The VPCs of the contained functions' VPC configs (GetFunctionConfiguration). */
export async function functionVpcs(ctx: StepContext, functions: readonly string[]): Promise<FunctionVpc[]> {
  return Promise.all(
    functions.map(async (arn): Promise<FunctionVpc> => {
      // The SCP takes patterns; GetFunctionConfiguration takes one function.
      if (/[*?]/.test(arn))
        return { arn, problem: 'a pattern names no single function: give its VPC with --vpc' };
      const network = await ctx.aws.lambda.getFunctionNetwork(arn);
      if (!network) return { arn, problem: 'no such function in this account and region' };
      if (!network.vpcId) return { arn, problem: 'not attached to a VPC: its traffic is in no VPC flow log' };
      return { arn, vpcId: network.vpcId };
    }),
  );
}

/** Every way the flow log evidence of these VPCs is missing, with what turns it on. */
export function flowLogFindings(
  vpcs: readonly string[],
  logs: FlowLog[],
  functions: FunctionVpc[],
  partition = 'aws',
): string[] {
  const notes: string[] = [];
  for (const f of functions) if (f.problem) notes.push(`function ${f.arn}: ${f.problem}`);
  for (const vpc of vpcs) {
    const mine = logs.filter((l) => l.resourceId === vpc);
    if (mine.length === 0)
      notes.push(
        `evidence is missing: VPC ${vpc} has no flow log, so who connected to what is not recorded. Turn it on: aws ec2 create-flow-logs --resource-type VPC --resource-ids ${vpc} --traffic-type ALL --log-destination-type s3 --log-destination arn:${partition}:s3:::LOG-BUCKET/vpc-flow-logs/`,
      );
    for (const l of mine) {
      if (l.deliverLogsStatus === 'FAILED')
        notes.push(
          `evidence is missing: flow log ${l.id} of ${vpc} fails to deliver${l.deliverLogsError ? `: ${l.deliverLogsError}` : ''}`,
        );
      if (l.trafficType && l.trafficType !== 'ALL')
        notes.push(`flow log ${l.id} of ${vpc} records ${l.trafficType} traffic only, not ALL`);
      if (l.destinationType === 'kinesis-data-firehose')
        notes.push(
          `flow log ${l.id} of ${vpc} delivers to Kinesis Data Firehose (${l.destination ?? '?'}): drp does not read a stream; preserve the files where the stream delivers them`,
        );
    }
  }
  return notes;
}
