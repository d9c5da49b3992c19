import type { ApiGatewayPort } from './api-gateway.js';
import type { ApiGatewayV2Port } from './apigatewayv2.js';
import type { CloudFrontPort } from './cloudfront.js';
import type { CloudTrailPort } from './cloudtrail.js';
import type { AwsSettings } from './config.js';
import type { CloudWatchLogsPort } from './cloudwatch-logs.js';
import type { CognitoPort } from './cognito.js';
import type { ConfigServicePort } from './configservice.js';
import type { DetectivePort } from './detective.js';
import type { DynamoDbPort } from './dynamodb.js';
import type { Ec2Port } from './ec2.js';
import type { GuardDutyPort } from './guardduty.js';
import type { IamPort } from './iam.js';
import type { IdentityStorePort } from './identitystore.js';
import type { LambdaPort } from './lambda.js';
import type { NetworkPort } from './network.js';
import type { OrganizationsPort } from './organizations.js';
import type { PersonalizePort } from './personalize.js';
import type { RekognitionPort } from './rekognition.js';
import type { S3Port } from './s3.js';
import type { S3ControlPort } from './s3control.js';
import type { SecurityHubPort } from './securityhub.js';
import type { SsoAdminPort } from './ssoadmin.js';
import type { WafV2Port } from './wafv2.js';

/**
 * The ports a step can use. Each is created only when some step in the runbook declares a
 * permission of its service, and its SDK client module is imported only then: `drp --help` and
 * `drp validate` load no AWS SDK at all, and a step that uses a service it did not declare
 * fails loudly in its first test.
 */
export interface AwsPorts {
  s3: S3Port;
  iam: IamPort;
  organizations: OrganizationsPort;
  rekognition: RekognitionPort;
  s3control: S3ControlPort;
  cloudtrail: CloudTrailPort;
  lambda: LambdaPort;
  apigateway: ApiGatewayPort;
  apigatewayv2: ApiGatewayV2Port;
  cloudfront: CloudFrontPort;
  wafv2: WafV2Port;
  // The SOC's evidence (issue 18): flow logs, their CloudWatch Logs exports, GuardDuty, Security Hub.
  ec2: Ec2Port;
  logs: CloudWatchLogsPort;
  guardduty: GuardDutyPort;
  securityhub: SecurityHubPort;
  dynamodb: DynamoDbPort;
  cognito: CognitoPort;
  /** A function's VPC settings (Lambda) and drp's isolation security group (EC2): network-isolate. */
  network: NetworkPort;
  detective: DetectivePort;
  personalize: PersonalizePort;
  ssoAdmin: SsoAdminPort;
  identityStore: IdentityStorePort;
  configservice: ConfigServicePort;
}

export type ServiceName = keyof AwsPorts;

type Loader<K extends ServiceName> = (settings: AwsSettings, readOnly: boolean) => Promise<AwsPorts[K]>;

const loaders: { [K in ServiceName]: Loader<K> } = {
  s3: async (settings, readOnly) => {
    const m = await import('./s3.js');
    return m.createS3Port(m.createS3Client(settings, readOnly), readOnly ? undefined : settings);
  },
  iam: async (settings, readOnly) => {
    const m = await import('./iam.js');
    return m.createIamPort(m.createIamClient(settings, readOnly));
  },
  organizations: async (settings, readOnly) => {
    const m = await import('./organizations.js');
    return m.createOrganizationsPort(m.createOrganizationsClient(settings, readOnly));
  },
  rekognition: async (settings, readOnly) => {
    const m = await import('./rekognition.js');
    return m.createRekognitionPort(m.createRekognitionClient(settings, readOnly));
  },
  s3control: async (settings, readOnly) => {
    const m = await import('./s3control.js');
    return m.createS3ControlPort(m.createS3ControlClient(settings, readOnly));
  },
  cloudtrail: async (settings, readOnly) => {
    const m = await import('./cloudtrail.js');
    return m.createCloudTrailPort(m.createCloudTrailClient(settings, readOnly));
  },
  lambda: async (settings, readOnly) => {
    const m = await import('./lambda.js');
    return m.createLambdaPort(m.createLambdaClients(settings, readOnly));
  },
  apigateway: async (settings, readOnly) => {
    const m = await import('./api-gateway.js');
    return m.createApiGatewayPort(m.createApiGatewayClients(settings, readOnly));
  },
  apigatewayv2: async (settings, readOnly) => {
    const m = await import('./apigatewayv2.js');
    return m.createApiGatewayV2Port(m.createApiGatewayV2Clients(settings, readOnly));
  },
  cloudfront: async (settings, readOnly) => {
    const m = await import('./cloudfront.js');
    return m.createCloudFrontPort(m.createCloudFrontClient(settings, readOnly));
  },
  wafv2: async (settings, readOnly) => {
    const m = await import('./wafv2.js');
    return m.createWafV2Port(m.createWafV2Clients(settings, readOnly));
  },
  ec2: async (settings, readOnly) => {
    const m = await import('./ec2.js');
    return m.createEc2Port(m.createEc2Client(settings, readOnly));
  },
  logs: async (settings, readOnly) => {
    const m = await import('./cloudwatch-logs.js');
    return m.createCloudWatchLogsPort(m.createCloudWatchLogsClient(settings, readOnly));
  },
  guardduty: async (settings, readOnly) => {
    const m = await import('./guardduty.js');
    return m.createGuardDutyPort(m.createGuardDutyClient(settings, readOnly));
  },
  securityhub: async (settings, readOnly) => {
    const m = await import('./securityhub.js');
    return m.createSecurityHubPort(m.createSecurityHubClient(settings, readOnly));
  },
  dynamodb: async (settings, readOnly) => {
    const m = await import('./dynamodb.js');
    return m.createDynamoDbPort(m.createDynamoDbClient(settings, readOnly));
  },
  cognito: async (settings, readOnly) => {
    const m = await import('./cognito.js');
    return m.createCognitoPort(m.createCognitoClient(settings, readOnly));
  },
  network: async (settings, readOnly) => {
    const m = await import('./network.js');
    return m.createNetworkPort(m.createNetworkClients(settings, readOnly));
  },
  detective: async (settings, readOnly) => {
    const m = await import('./detective.js');
    return m.createDetectivePort(m.createDetectiveClient(settings, readOnly));
  },
  personalize: async (settings, readOnly) => {
    const m = await import('./personalize.js');
    return m.createPersonalizePort(m.createPersonalizeClient(settings, readOnly));
  },
  ssoAdmin: async (settings, readOnly) => {
    const m = await import('./ssoadmin.js');
    return m.createSsoAdminPort(m.createSsoAdminClient(settings, readOnly));
  },
  identityStore: async (settings, readOnly) => {
    const m = await import('./identitystore.js');
    return m.createIdentityStorePort(m.createIdentityStoreClient(settings, readOnly));
  },
  configservice: async (settings, readOnly) => {
    const m = await import('./configservice.js');
    return m.createConfigServicePort(m.createConfigServiceClient(settings, readOnly));
  },
};

/** IAM action prefix -> the ports that serve it. */
const SERVICE_OF_PREFIX: Record<string, ServiceName | ServiceName[]> = {
  s3: 's3',
  iam: 'iam',
  organizations: 'organizations',
  rekognition: 'rekognition',
  cloudtrail: 'cloudtrail',
  lambda: 'lambda',
  // One IAM prefix (apigateway:GET, apigateway:PATCH, ...) covers REST APIs and HTTP/WebSocket APIs.
  apigateway: ['apigateway', 'apigatewayv2'],
  cloudfront: 'cloudfront',
  wafv2: 'wafv2',
  ec2: 'ec2',
  logs: 'logs',
  guardduty: 'guardduty',
  securityhub: 'securityhub',
  dynamodb: 'dynamodb',
  'cognito-idp': 'cognito',
  detective: 'detective',
  personalize: 'personalize',
  // IAM Identity Center's administration API (sso-admin) is authorised under the sso: prefix.
  sso: 'ssoAdmin',
  identitystore: 'identityStore',
  // AWS Config's IAM prefix is config:
  config: 'configservice',
};

/** Actions whose prefix names one service but which another API serves (S3 Batch Operations: S3 Control). */
const SERVICE_OF_ACTION: Record<string, ServiceName> = {
  's3:CreateJob': 's3control',
  's3:DescribeJob': 's3control',
  's3:ListJobs': 's3control',
};

/**
 * Actions that a port named by what it does serves too, besides the port of their prefix (if any):
 * network-isolate's Lambda and EC2 calls go through the network port, and a step declaring
 * lambda:* or ec2:* actions for a port of those services still gets that one.
 */
const ALSO_SERVED_BY: Record<string, ServiceName> = {
  'lambda:GetFunctionConfiguration': 'network',
  'lambda:ListVersionsByFunction': 'network',
  'lambda:UpdateFunctionConfiguration': 'network',
  'ec2:CreateSecurityGroup': 'network',
  'ec2:DescribeSecurityGroups': 'network',
  'ec2:RevokeSecurityGroupEgress': 'network',
};

export function servicesOf(permissions: Iterable<string>): Set<ServiceName> {
  const services = new Set<ServiceName>();
  for (const permission of permissions) {
    const service = SERVICE_OF_ACTION[permission] ?? SERVICE_OF_PREFIX[permission.split(':')[0] ?? ''];
    for (const s of [service ?? []].flat()) services.add(s);
    const also = ALSO_SERVED_BY[permission];
    if (also) services.add(also);
  }
  return services;
}

export async function loadPorts(
  services: Set<ServiceName>,
  settings: AwsSettings,
  readOnly: boolean,
): Promise<AwsPorts> {
  const ports: Partial<AwsPorts> = {};
  await Promise.all(
    [...services].map(async (name) => {
      (ports as Record<string, unknown>)[name] = await loaders[name](settings, readOnly);
    }),
  );
  return guarded(ports);
}

/**
 * The ports of every identity a run acts through, created on first use and shared: the steps of
 * one identity in one region use the same clients (and so one credentials cache and one socket
 * pool), whichever step asks. `key` names the credentials (a role ARN, or the caller's own).
 */
export class PortPool {
  readonly #ports = new Map<string, Promise<unknown>>();

  async ports(
    key: string,
    services: Set<ServiceName>,
    settings: AwsSettings,
    readOnly: boolean,
  ): Promise<AwsPorts> {
    const ports: Partial<AwsPorts> = {};
    await Promise.all(
      [...services].map(async (name) => {
        const id = `${key}|${settings.region ?? ''}|${readOnly ? 'read' : 'write'}|${name}`;
        let port = this.#ports.get(id);
        if (!port) {
          port = loaders[name](settings, readOnly);
          this.#ports.set(id, port);
        }
        (ports as Record<string, unknown>)[name] = await port;
      }),
    );
    return guarded(ports);
  }
}

function guarded(ports: Partial<AwsPorts>): AwsPorts {
  return new Proxy(ports as AwsPorts, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target) && name in loaders) {
        throw new Error(`AWS port "${name}" was not loaded: the step must declare a "${name}:" permission`);
      }
      return Reflect.get(target, name);
    },
  });
}
