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

/** An organization with SCPs enabled on its root, as the bundled runbook's last step needs. */
export async function seedOrganization(organizations: OrganizationsClient): Promise<string> {
  const { CreateOrganizationCommand, EnablePolicyTypeCommand, ListRootsCommand } =
    await import('@aws-sdk/client-organizations');
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const { Roots } = await organizations.send(new ListRootsCommand({}));
  const rootId = Roots![0]!.Id!;
  await organizations.send(
    new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }),
  );
  return rootId;
}
