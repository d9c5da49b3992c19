import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient as AssumeRoleClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * STS and IAM on mocks for a run across accounts. The SDK's fromTemporaryCredentials calls
 * AssumeRole through its own STS client (@aws-sdk/nested-clients), mocked apart from drp's;
 * GetCallerIdentity answers as whichever credentials signed it (each role's access key id is
 * `AKIA-<role name>`), and GetRole gives each role its path, as IAM does.
 */
export function mockRoles(callerArn = 'arn:aws:iam::999999999999:user/alice') {
  const sts = mockClient(STSClient);
  const assume = mockClient(AssumeRoleClient);
  const iam = mockClient(IAMClient);
  const roles = new Map<string, string>();
  const expiration = () => new Date(Date.now() + 3_600_000);
  assume.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => {
    const name = input.RoleArn.split('/').at(-1)!;
    roles.set(`AKIA-${name}`, input.RoleArn);
    return {
      Credentials: {
        AccessKeyId: `AKIA-${name}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: expiration(),
      },
    };
  });
  sts.on(GetSessionTokenCommand).resolves({
    Credentials: {
      AccessKeyId: 'AKIA-MFA',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: expiration(),
    },
  });
  sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
    const { accessKeyId } = await (getClient() as STSClient).config.credentials();
    const role = roles.get(accessKeyId);
    if (!role) return { Arn: callerArn, Account: callerArn.split(':')[4], UserId: 'AIDA' };
    const [, partition, , , account] = role.split(':');
    const name = role.split('/').at(-1);
    return {
      Arn: `arn:${partition}:sts::${account}:assumed-role/${name}/drp-INC-1`,
      Account: account,
      UserId: 'AROA',
    };
  });
  iam.on(GetRoleCommand).callsFake(async ({ RoleName }: { RoleName: string }) => {
    const arn = [...roles.values()].find((r) => r.endsWith(`/${RoleName}`));
    return { Role: { Arn: arn, RoleName, Path: '/', RoleId: 'R', CreateDate: new Date() } };
  });
  return { sts, assume, iam };
}

/** A process-wide credentials provider for the caller, so no test reads the machine's AWS set-up. */
export const callerCredentials = async () => ({ accessKeyId: 'AKIA-CALLER', secretAccessKey: 's' });
