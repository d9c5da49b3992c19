import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/**
 * SDK clients acting in another account of the emulator. moto separates accounts by the
 * credentials of an assumed role: AssumeRole into arn:aws:iam::ACCOUNT:role/x acts in ACCOUNT
 * (the role need not exist), and buckets are found across accounts by name.
 */
export async function clientsIn(endpoint: string, account: string) {
  const base = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const { Credentials: c } = await new STSClient(base).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: 'seed' }),
  );
  const config = {
    ...base,
    credentials: {
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!,
    },
  };
  return {
    account,
    s3: new S3Client({ ...config, forcePathStyle: true }),
    iam: new IAMClient(config),
    cloudtrail: new CloudTrailClient(config),
  };
}

/** A member account of the caller's organization: its id (moto chooses it). */
export async function memberAccount(organizations: OrganizationsClient, name: string): Promise<string> {
  const { CreateAccountStatus } = await organizations.send(
    new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
  );
  return CreateAccountStatus!.AccountId!;
}

/** The role drp assumes in an account, trusting the responder's account: its ARN. */
export async function responderRole(iam: IAMClient, name: string, responderAccount: string): Promise<string> {
  const { Role } = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: '/ir/',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${responderAccount}:root` },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          },
        ],
      }),
    }),
  );
  return Role!.Arn!;
}
