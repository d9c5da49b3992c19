import type { CloudTrailPort } from './cloudtrail.js';
import type { AwsSettings } from './config.js';
import type { ConfigServicePort } from './configservice.js';
import type { IamPort } from './iam.js';
import type { OrganizationsPort } from './organizations.js';
import type { RekognitionPort } from './rekognition.js';
import type { S3Port } from './s3.js';
import type { S3ControlPort } from './s3control.js';

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
  configservice: ConfigServicePort;
}

export type ServiceName = keyof AwsPorts;

type Loader<K extends ServiceName> = (settings: AwsSettings, readOnly: boolean) => Promise<AwsPorts[K]>;

const loaders: { [K in ServiceName]: Loader<K> } = {
  s3: async (settings, readOnly) => {
    const m = await import('./s3.js');
    return m.createS3Port(m.createS3Client(settings, readOnly));
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
  configservice: async (settings, readOnly) => {
    const m = await import('./configservice.js');
    return m.createConfigServicePort(m.createConfigServiceClient(settings, readOnly));
  },
};

/** IAM action prefix -> the port that serves it. */
const SERVICE_OF_PREFIX: Record<string, ServiceName> = {
  s3: 's3',
  iam: 'iam',
  organizations: 'organizations',
  rekognition: 'rekognition',
  cloudtrail: 'cloudtrail',
  // AWS Config's IAM prefix is config:
  config: 'configservice',
};

/** Actions whose prefix names one service but which another API serves (S3 Batch Operations: S3 Control). */
const SERVICE_OF_ACTION: Record<string, ServiceName> = {
  's3:CreateJob': 's3control',
  's3:DescribeJob': 's3control',
  's3:ListJobs': 's3control',
};

export function servicesOf(permissions: Iterable<string>): Set<ServiceName> {
  const services = new Set<ServiceName>();
  for (const permission of permissions) {
    const service = SERVICE_OF_ACTION[permission] ?? SERVICE_OF_PREFIX[permission.split(':')[0] ?? ''];
    if (service) services.add(service);
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
  return new Proxy(ports as AwsPorts, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target) && name in loaders) {
        throw new Error(`AWS port "${name}" was not loaded: the step must declare a "${name}:" permission`);
      }
      return Reflect.get(target, name);
    },
  });
}
