import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIamPort } from '../../../src/aws/iam.js';
import { silentLogger } from '../../../src/log.js';
import { resolveCaller } from '../../../src/runbook/caller.js';

const iam = mockClient(IAMClient);
const port = async () =>
  createIamPort(
    new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  );
const identity = (arn: string) => ({ arn, account: '123456789012', userId: 'X' });

// aws:PrincipalArn, the key every drp deny exempts, carries the role ARN with its path for a role session.
describe('resolveCaller: the principal every deny must exempt', () => {
  beforeEach(() => iam.reset());

  it('an IAM user is exempted as itself', async () => {
    const caller = await resolveCaller(
      identity('arn:aws:iam::123456789012:user/ops/alice'),
      port,
      silentLogger,
    );
    expect(caller.principalArn).toBe('arn:aws:iam::123456789012:user/ops/alice');
    expect(iam.calls()).toHaveLength(0);
  });

  it('an assumed role is exempted as the role ARN, with the path looked up', async () => {
    iam.on(GetRoleCommand, { RoleName: 'Responder' }).resolves({
      Role: {
        Arn: 'arn:aws:iam::123456789012:role/incident/Responder',
        RoleName: 'Responder',
        Path: '/incident/',
        RoleId: 'R',
        CreateDate: new Date(),
      },
    });
    const caller = await resolveCaller(
      identity('arn:aws:sts::123456789012:assumed-role/Responder/alice@example.com'),
      port,
      silentLogger,
    );
    expect(caller).toMatchObject({
      principalArn: 'arn:aws:iam::123456789012:role/incident/Responder',
      roleName: 'Responder',
    });
  });

  it('an SSO permission-set role is exempted with its aws-reserved path', async () => {
    const name = 'AWSReservedSSO_IncidentResponse_0123456789abcdef';
    iam.on(GetRoleCommand, { RoleName: name }).resolves({
      Role: {
        Arn: `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/${name}`,
        RoleName: name,
        Path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
        RoleId: 'R',
        CreateDate: new Date(),
      },
    });
    const caller = await resolveCaller(
      identity(`arn:aws:sts::123456789012:assumed-role/${name}/alice`),
      port,
      silentLogger,
    );
    expect(caller.principalArn).toBe(
      `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/${name}`,
    );
  });

  it('falls back to the path-less role ARN when the role cannot be read', async () => {
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'no', $metadata: {} }));
    const caller = await resolveCaller(
      identity('arn:aws:sts::123456789012:assumed-role/Responder/alice'),
      port,
      silentLogger,
    );
    expect(caller.principalArn).toBe('arn:aws:iam::123456789012:role/Responder');
  });

  it('a federated user is exempted as its STS ARN, in any partition', async () => {
    const arn = 'arn:aws-us-gov:sts::123456789012:federated-user/alice';
    expect((await resolveCaller(identity(arn), port, silentLogger)).principalArn).toBe(arn);
  });
});
