import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { isNotFound } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface FunctionNetwork {
  /** undefined: the function is not attached to a VPC (its traffic is in no VPC's flow logs). */
  vpcId?: string;
  subnetIds: string[];
}

export interface LambdaPort {
  /** The VPC a function is attached to; undefined when there is no such function. */
  getFunctionNetwork(functionArn: string): Promise<FunctionNetwork | undefined>;
}

export function createLambdaClient(settings: AwsSettings, readOnly: boolean): LambdaClient {
  return instrument(new LambdaClient(clientOptions(settings)), readOnly);
}

export function createLambdaPort(client: LambdaClient): LambdaPort {
  return {
    async getFunctionNetwork(functionArn) {
      try {
        const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
        const vpc = out.VpcConfig;
        return { ...(vpc?.VpcId ? { vpcId: vpc.VpcId } : {}), subnetIds: vpc?.SubnetIds ?? [] };
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },
  };
}
