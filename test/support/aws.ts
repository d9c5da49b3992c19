import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';

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
    ec2: new EC2Client(config),
    logs: new CloudWatchLogsClient(config),
    securityhub: new SecurityHubClient(config),
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

/** An IAM user with two active access keys, as a leaked uploader has: their ids. */
export async function seedUserWithKeys(iam: IAMClient, userName: string): Promise<string[]> {
  const { CreateAccessKeyCommand, CreateUserCommand } = await import('@aws-sdk/client-iam');
  await iam.send(new CreateUserCommand({ UserName: userName }));
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    ids.push(AccessKey!.AccessKeyId!);
  }
  return ids;
}

/** A role Lambda assumes (a media pipeline), under `path`: its ARN. */
export async function seedLambdaRole(iam: IAMClient, roleName: string, path: string): Promise<string> {
  const { CreateRoleCommand } = await import('@aws-sdk/client-iam');
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      Path: path,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  return Role!.Arn!;
}
