import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';

/** SDK clients on the emulator, for tests to seed state and to read what drp changed. */
export function emulatorClients(endpoint: string) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    iam: new IAMClient(config),
    organizations: new OrganizationsClient(config),
    cloudtrail: new CloudTrailClient(config),
  };
}
