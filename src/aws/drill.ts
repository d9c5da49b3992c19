import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createApiGatewayPort, type ApiGatewayPort } from './api-gateway.js';
import { createCloudFrontPort, type CloudFrontPort } from './cloudfront.js';
import { clientOptions, instrument } from './config.js';
import { createLambdaPort, type LambdaPort } from './lambda.js';
import { createIamPort, type IamPort } from './iam.js';
import { createOrganizationsPort, type OrganizationsPort } from './organizations.js';
import { createS3Port, type S3Port } from './s3.js';
import type { CallerIdentityRaw } from './sts.js';

/**
 * `drp drill` talks only to an emulator. Its clients get the endpoint and throwaway credentials
 * explicitly, so nothing in the operator's environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, an SSO
 * session, AWS_ENDPOINT_URL) can send drill traffic to a real account, or put a real key on it.
 */
export const DRILL_CREDENTIALS = { accessKeyId: 'drill', secretAccessKey: 'drill' } as const;
export const DRILL_REGION = 'us-east-1';
/** The emulator's partition: the drill's ARNs are built in it. */
export const DRILL_PARTITION = 'aws';

/** Constructor options for a client that can reach only `endpoint`, as the throwaway identity. */
export function emulatorOptions(endpoint: string) {
  return {
    ...clientOptions({ endpointUrl: endpoint, region: DRILL_REGION }),
    credentials: { ...DRILL_CREDENTIALS },
  };
}

/** What the drill's checks read: the containment ports' own read methods, on read-only clients. */
export interface DrillReadPorts {
  s3: S3Port;
  iam: IamPort;
  organizations: OrganizationsPort;
  lambda: LambdaPort;
  apigateway: ApiGatewayPort;
  cloudfront: CloudFrontPort;
  callerIdentity(): Promise<CallerIdentityRaw>;
}

/**
 * Read-only ports on the emulator. The read-only guard of src/aws/config.ts refuses any
 * operation that is not a read: checking a control can never change it. `workload`: the
 * credentials of the workload account, where IAM is read when the drill runs across accounts.
 */
export function createDrillReadPorts(
  endpoint: string,
  workload?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): DrillReadPorts {
  const options = emulatorOptions(endpoint);
  const sts = instrument(new STSClient(options), true);
  // IAM and the edge are the workload account's: read there when the drill spans accounts.
  const inWorkload = { ...options, ...(workload ? { credentials: workload } : {}) };
  return {
    s3: createS3Port(instrument(new S3Client({ ...options, forcePathStyle: true }), true)),
    iam: createIamPort(instrument(new IAMClient(inWorkload), true)),
    organizations: createOrganizationsPort(instrument(new OrganizationsClient(options), true)),
    lambda: createLambdaPort(() => instrument(new LambdaClient(inWorkload), true)),
    apigateway: createApiGatewayPort(() => instrument(new APIGatewayClient(inWorkload), true)),
    cloudfront: createCloudFrontPort(instrument(new CloudFrontClient(inWorkload), true)),
    async callerIdentity() {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
    },
  };
}
