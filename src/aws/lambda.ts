import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  paginateListAliases,
  paginateListFunctions,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { perRegion, regionOfArn, type ClientForRegion } from './regional.js';

export interface LambdaFunctionRef {
  name: string;
  /** The unqualified function ARN. */
  arn: string;
}

export interface LambdaFunctionUrl {
  /** The alias the URL belongs to; absent for the function's own URL. */
  qualifier?: string;
  url: string;
  /** NONE (anyone on the internet) or AWS_IAM. */
  authType: string;
}

export interface FunctionNetwork {
  /** undefined: the function is not attached to a VPC (its traffic is in no VPC's flow logs). */
  vpcId?: string;
  subnetIds: string[];
}

/**
 * What lambda-isolate (and preserve-flow-logs) need. Each method takes a function's unqualified ARN and calls the region
 * in it. Reserved concurrency is the function's as a whole, all versions and aliases included.
 */
export interface LambdaPort {
  /** Every function of the region (to resolve a wildcard --function). */
  listFunctions(region?: string): Promise<LambdaFunctionRef[]>;
  /** null: no reserved concurrency is set; undefined: there is no such function. */
  getReservedConcurrency(arn: string): Promise<number | null | undefined>;
  /** The resource-based policy (JSON text) of the function or one of its aliases; undefined: none. */
  getPolicy(arn: string, qualifier?: string): Promise<string | undefined>;
  /** The function URL of the function or one of its aliases; undefined: none. */
  getFunctionUrl(arn: string, qualifier?: string): Promise<LambdaFunctionUrl | undefined>;
  listAliases(arn: string): Promise<string[]>;
  /** 0 throttles every invocation (Lambda console's "Throttle"); drp sets 0, restore the old value. */
  putReservedConcurrency(arn: string, value: number): Promise<Call>;
  /** Only `drp restore` calls it: for a function that had no reserved concurrency before drp. */
  deleteReservedConcurrency(arn: string): Promise<Call>;
  /** The VPC a function is attached to (preserve-flow-logs); undefined when there is no such function. */
  getFunctionNetwork(arn: string): Promise<FunctionNetwork | undefined>;
}

export function createLambdaClients(settings: AwsSettings, readOnly: boolean): ClientForRegion<LambdaClient> {
  return perRegion(settings, (s) => instrument(new LambdaClient(clientOptions(s)), readOnly));
}

export function createLambdaPort(clientFor: ClientForRegion<LambdaClient>): LambdaPort {
  const client = (arn: string) => clientFor(regionOfArn(arn));
  return {
    async listFunctions(region) {
      const found: LambdaFunctionRef[] = [];
      for await (const page of paginateListFunctions({ client: clientFor(region) }, {}))
        for (const f of page.Functions ?? [])
          if (f.FunctionName && f.FunctionArn) found.push({ name: f.FunctionName, arn: f.FunctionArn });
      return found;
    },

    async getReservedConcurrency(arn) {
      try {
        const out = await client(arn).send(new GetFunctionConcurrencyCommand({ FunctionName: arn }));
        return out.ReservedConcurrentExecutions ?? null;
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async getPolicy(arn, qualifier) {
      try {
        const out = await client(arn).send(new GetPolicyCommand({ FunctionName: arn, Qualifier: qualifier }));
        return out.Policy;
      } catch (err) {
        // AWS's answer for a function (or alias) without a resource-based policy.
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async getFunctionUrl(arn, qualifier) {
      try {
        const out = await client(arn).send(
          new GetFunctionUrlConfigCommand({ FunctionName: arn, Qualifier: qualifier }),
        );
        if (!out.FunctionUrl) return undefined;
        return { ...(qualifier ? { qualifier } : {}), url: out.FunctionUrl, authType: out.AuthType ?? '' };
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async listAliases(arn) {
      const names: string[] = [];
      for await (const page of paginateListAliases({ client: client(arn) }, { FunctionName: arn }))
        for (const a of page.Aliases ?? []) if (a.Name) names.push(a.Name);
      return names;
    },

    async putReservedConcurrency(arn, value) {
      return callOf(
        await client(arn).send(
          new PutFunctionConcurrencyCommand({ FunctionName: arn, ReservedConcurrentExecutions: value }),
        ),
      );
    },

    // Removes only a setting drp made on a function that had none (the restore checks it).
    async deleteReservedConcurrency(arn) {
      return callOf(await client(arn).send(new DeleteFunctionConcurrencyCommand({ FunctionName: arn })));
    },

    async getFunctionNetwork(arn) {
      try {
        const out = await client(arn).send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
        const vpc = out.VpcConfig;
        return { ...(vpc?.VpcId ? { vpcId: vpc.VpcId } : {}), subnetIds: vpc?.SubnetIds ?? [] };
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },
  };
}
