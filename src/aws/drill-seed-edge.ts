import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, CreateDistributionCommand } from '@aws-sdk/client-cloudfront';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { emulatorOptions } from './drill.js';

/**
 * The writes that set up the edge of `drp drill`'s incident on the emulator: the function that
 * generated the fake reviews, the REST API that serves the media, the distribution in front of the
 * bucket (src/drill/seed-edge.ts). Its clients reach only the emulator (src/aws/drill.ts).
 */
export interface DrillSeedEdgePort {
  /** A function (an empty package: the drill never invokes it) with a public URL: its ARN and URL. */
  createPublicFunction(name: string, roleArn: string): Promise<{ arn: string; url: string }>;
  /** A REST API with GET / (a mock integration) deployed to `stage`: its id. */
  createRestApi(name: string, stage: string): Promise<string>;
  /** A distribution whose origin is the bucket's REST endpoint: its id and domain. */
  createDistribution(bucket: string, comment: string): Promise<{ id: string; domainName: string }>;
}

// A zip archive with no entry: the end-of-central-directory record alone. Enough for the
// emulator, which stores a function's package without running it.
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

/** `workload`: the workload account's credentials when the drill spans accounts (the edge is its). */
export function createDrillSeedEdgePort(
  endpoint: string,
  workload?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): DrillSeedEdgePort {
  const options = emulatorOptions(endpoint);
  const credentials = workload ? { credentials: workload } : {};
  const lambda = new LambdaClient({ ...options, ...credentials });
  const apigateway = new APIGatewayClient({ ...options, ...credentials });
  const cloudfront = new CloudFrontClient({ ...options, ...credentials });
  return {
    async createPublicFunction(name, roleArn) {
      const fn = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Role: roleArn,
          Handler: 'index.handler',
          Code: { ZipFile: EMPTY_ZIP },
        }),
      );
      const url = await lambda.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }),
      );
      // What the console adds with a function URL of auth type NONE: anyone may call it.
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: name,
          StatementId: 'FunctionURLAllowPublicAccess',
          Action: 'lambda:InvokeFunctionUrl',
          Principal: '*',
          FunctionUrlAuthType: 'NONE',
        }),
      );
      return { arn: fn.FunctionArn ?? '', url: url.FunctionUrl ?? '' };
    },

    async createRestApi(name, stage) {
      const api = await apigateway.send(new CreateRestApiCommand({ name }));
      const restApiId = api.id ?? '';
      const resources = await apigateway.send(new GetResourcesCommand({ restApiId }));
      const root = resources.items?.find((r) => r.path === '/')?.id ?? '';
      await apigateway.send(
        new PutMethodCommand({ restApiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }),
      );
      await apigateway.send(
        new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }),
      );
      await apigateway.send(new CreateDeploymentCommand({ restApiId, stageName: stage }));
      return restApiId;
    },

    async createDistribution(bucket, comment) {
      const origin = 'product-media';
      const out = await cloudfront.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            CallerReference: comment,
            Comment: comment,
            Enabled: true,
            Origins: {
              Quantity: 1,
              Items: [
                {
                  Id: origin,
                  DomainName: `${bucket}.s3.amazonaws.com`,
                  S3OriginConfig: { OriginAccessIdentity: '' },
                },
              ],
            },
            DefaultCacheBehavior: {
              TargetOriginId: origin,
              ViewerProtocolPolicy: 'redirect-to-https',
              CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
            },
          },
        }),
      );
      return { id: out.Distribution?.Id ?? '', domainName: out.Distribution?.DomainName ?? '' };
    },
  };
}
