import {
  GetLoginProfileCommand,
  IAMClient,
  IAMServiceException,
  ListServiceSpecificCredentialsCommand,
  NoSuchEntityException,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotImplementedByEndpoint } from '../../../src/aws/unavailable.js';
import { testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);

describe('the IAM port', () => {
  beforeEach(() => iam.reset());

  it("refuses a tag IAM would refuse (a comma: AWS's ValidationError), before sending it", async () => {
    // What IAM answers; moto accepts the comma, which is how drp's old tag reached no test.
    iam.on(TagUserCommand).rejects(
      new IAMServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          "1 validation error detected: Value 'drp replacement key, incident INC-1' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*",
      }),
    );
    const { iam: port } = testPorts();
    await expect(port.tagUser('alice', { AKIA1: 'drp replacement key, incident INC-1' })).rejects.toThrow(
      /IAM tags allow only letters, digits, spaces and _.:\/=\+-@/,
    );
    expect(iam).toHaveReceivedCommandTimes(TagUserCommand, 0);
    iam.on(TagUserCommand).resolves({});
    await port.tagUser('alice', {
      AKIA1: 'drp replacement key of incident INC-1',
      'drp-replacement-INC-1': '2026-11-25T03:00:00.000Z',
    });
    expect(iam).toHaveReceivedCommandTimes(TagUserCommand, 1);
  });

  it('reads "no console password" (NoSuchEntity) as none', async () => {
    iam.on(GetLoginProfileCommand).rejects(
      new NoSuchEntityException({
        $metadata: { httpStatusCode: 404 },
        message: 'Login Profile for User alice cannot be found.',
      }),
    );
    await expect(testPorts().iam.getLoginProfile('alice')).resolves.toBeUndefined();
  });

  it("turns an endpoint's InvalidAction for service-specific credentials into NotImplementedByEndpoint", async () => {
    iam.on(ListServiceSpecificCredentialsCommand).rejects(
      new IAMServiceException({
        name: 'InvalidAction',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The action ListServiceSpecificCredentials is not valid for this web service.',
      }),
    );
    await expect(
      testPorts().iam.listCredentials('service-specific-credential', 'alice'),
    ).rejects.toBeInstanceOf(NotImplementedByEndpoint);
  });
});
