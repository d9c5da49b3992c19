import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { createS3Port } from '../../src/aws/s3.js';
import { createIamPort } from '../../src/aws/iam.js';
import { createOrganizationsPort } from '../../src/aws/organizations.js';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createRekognitionPort } from '../../src/aws/rekognition.js';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { createS3ControlPort } from '../../src/aws/s3control.js';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createCloudTrailPort } from '../../src/aws/cloudtrail.js';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaPort } from '../../src/aws/lambda.js';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { createApiGatewayPort } from '../../src/aws/api-gateway.js';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { createApiGatewayV2Port } from '../../src/aws/apigatewayv2.js';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { createCloudFrontPort } from '../../src/aws/cloudfront.js';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { createWafV2Port } from '../../src/aws/wafv2.js';
import { EC2Client } from '@aws-sdk/client-ec2';
import { createEc2Port } from '../../src/aws/ec2.js';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsPort } from '../../src/aws/cloudwatch-logs.js';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { createGuardDutyPort } from '../../src/aws/guardduty.js';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { createSecurityHubPort } from '../../src/aws/securityhub.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbPort } from '../../src/aws/dynamodb.js';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoPort } from '../../src/aws/cognito.js';
import { createNetworkPort } from '../../src/aws/network.js';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { createDetectivePort } from '../../src/aws/detective.js';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { createPersonalizePort } from '../../src/aws/personalize.js';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { createSsoAdminPort } from '../../src/aws/ssoadmin.js';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { createIdentityStorePort } from '../../src/aws/identitystore.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { createConfigServicePort } from '../../src/aws/configservice.js';
import { instrument } from '../../src/aws/config.js';
import type { ArtefactRef, ArtefactSource } from '../../src/journal/entry.js';
import { NEVER_ABORTED } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { silentProgress } from '../../src/output/progress.js';
import type { StepContext } from '../../src/steps/define.js';

const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/**
 * Real ports over real SDK clients, for unit tests under aws-sdk-client-mock (mockClient(S3Client)
 * intercepts every instance). `readOnly` gives the plan-phase clients with drp's read-only guard.
 */
export function testPorts(readOnly = false): AwsPorts {
  return {
    s3: createS3Port(instrument(new S3Client(clientConfig), readOnly)),
    iam: createIamPort(instrument(new IAMClient(clientConfig), readOnly)),
    organizations: createOrganizationsPort(instrument(new OrganizationsClient(clientConfig), readOnly)),
    rekognition: createRekognitionPort(instrument(new RekognitionClient(clientConfig), readOnly)),
    s3control: createS3ControlPort(instrument(new S3ControlClient(clientConfig), readOnly)),
    // No pacing of LookupEvents in unit tests: the mock is not throttled.
    cloudtrail: createCloudTrailPort(instrument(new CloudTrailClient(clientConfig), readOnly), {
      lookupIntervalMs: 0,
    }),
    // Regional ports get a client per region, as in a run (the mock intercepts every instance).
    lambda: createLambdaPort((region) =>
      instrument(new LambdaClient({ ...clientConfig, ...(region ? { region } : {}) }), readOnly),
    ),
    apigateway: createApiGatewayPort((region) =>
      instrument(new APIGatewayClient({ ...clientConfig, ...(region ? { region } : {}) }), readOnly),
    ),
    apigatewayv2: createApiGatewayV2Port((region) =>
      instrument(new ApiGatewayV2Client({ ...clientConfig, ...(region ? { region } : {}) }), readOnly),
    ),
    cloudfront: createCloudFrontPort(instrument(new CloudFrontClient(clientConfig), readOnly)),
    wafv2: createWafV2Port((region) =>
      instrument(new WAFV2Client({ ...clientConfig, ...(region ? { region } : {}) }), readOnly),
    ),
    ec2: createEc2Port(instrument(new EC2Client(clientConfig), readOnly)),
    logs: createCloudWatchLogsPort(instrument(new CloudWatchLogsClient(clientConfig), readOnly)),
    guardduty: createGuardDutyPort(instrument(new GuardDutyClient(clientConfig), readOnly)),
    securityhub: createSecurityHubPort(instrument(new SecurityHubClient(clientConfig), readOnly)),
    dynamodb: createDynamoDbPort(instrument(new DynamoDBClient(clientConfig), readOnly)),
    cognito: createCognitoPort(instrument(new CognitoIdentityProviderClient(clientConfig), readOnly)),
    network: createNetworkPort({
      ec2: instrument(new EC2Client(clientConfig), readOnly),
      lambda: instrument(new LambdaClient(clientConfig), readOnly),
    }),
    detective: createDetectivePort(instrument(new DetectiveClient(clientConfig), readOnly)),
    personalize: createPersonalizePort(instrument(new PersonalizeClient(clientConfig), readOnly)),
    ssoAdmin: createSsoAdminPort(instrument(new SSOAdminClient(clientConfig), readOnly)),
    identityStore: createIdentityStorePort(instrument(new IdentitystoreClient(clientConfig), readOnly)),
    configservice: createConfigServicePort(instrument(new ConfigServiceClient(clientConfig), readOnly)),
  };
}

export interface MemoryArtefact extends ArtefactRef {
  content: string;
}

/** A StepContext whose artefacts stay in memory (`artefacts` lists what the step wrote). */
export function testContext(overrides: Partial<StepContext> = {}) {
  const artefacts: MemoryArtefact[] = [];
  const write = async (name: string, data: string | Buffer, source?: ArtefactSource) => {
    const content = data.toString();
    const ref = {
      name,
      path: `artefacts/${name}`,
      size: Buffer.byteLength(content),
      sha256: 'test',
      content,
      ...(source ? { source } : {}),
    };
    artefacts.push(ref);
    return ref;
  };
  const caller = overrides.caller ?? {
    arn: 'arn:aws:sts::123456789012:assumed-role/Responder/alice',
    accountId: '123456789012',
    principalArn: 'arn:aws:iam::123456789012:role/Responder',
    roleName: 'Responder',
  };
  const acting = { ...caller, region: overrides.region ?? 'us-east-1' };
  const aws = overrides.aws ?? testPorts();
  const ctx: StepContext = {
    stepId: 'step',
    incidentId: 'INC-TEST-1',
    region: 'us-east-1',
    caller,
    // One account unless a test says otherwise: every identity is the caller.
    identities: { target: acting, org: acting, logs: acting, evidence: acting },
    exemptPrincipals: ['arn:aws:iam::123456789012:role/Responder'],
    aws,
    // The same mocked clients: aws-sdk-client-mock intercepts every client of a service.
    awsAs: async () => aws,
    artefacts: {
      write,
      stream: (name: string) => {
        let content = '';
        return {
          path: `artefacts/${name}`,
          write: async (chunk: string) => void (content += chunk),
          close: async (source?: ArtefactSource) => write(name, content, source),
        };
      },
      list: () => artefacts.map((a) => ({ ...a, file: `/nonexistent/${a.path}` })),
    },
    settings: {
      concurrency: 4,
      evidenceDir: '/nonexistent',
      evidenceBucket: 'drp-evidence-123456789012-us-east-1',
    },
    log: silentLogger,
    progress: silentProgress,
    results: new Map(),
    signal: NEVER_ABORTED,
    now: () => new Date('2026-11-25T03:00:00.000Z'),
    ...overrides,
  };
  return { ctx, artefacts };
}
