import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { createIamSimulateClient, createIamSimulatePort } from '../../../src/aws/iam-simulate.js';
import '../../support/matchers.js';

// moto does not implement iam:SimulatePrincipalPolicy: its answers are mocked here, in AWS's shape.
const iam = mockClient(IAMClient);
const ROLE = 'arn:aws:iam::111111111111:role/ir/drp-target';
const port = () => createIamSimulatePort(createIamSimulateClient({ region: 'us-east-1' }));

beforeEach(() => iam.reset());

describe('IAM SimulatePrincipalPolicy port', () => {
  it('simulates the principal on the given resources and reads each decision and what decided it', async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 's3:GetBucketPolicy',
          EvalDecision: 'allowed',
          MatchedStatements: [{ SourcePolicyId: 'drp-target' }],
        },
        {
          EvalActionName: 's3:PutBucketPolicy',
          EvalDecision: 'explicitDeny',
          OrganizationsDecisionDetail: { AllowedByOrganizations: false },
        },
        {
          EvalActionName: 's3:PutObjectLegalHold',
          EvalDecision: 'implicitDeny',
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
          MissingContextValues: ['aws:SourceIdentity'],
        },
      ],
      IsTruncated: false,
    });
    const results = await port().simulate(
      ROLE,
      ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      ['arn:aws:s3:::media'],
      [{ key: 'aws:SourceIdentity', type: 'string', values: ['oncall'] }],
    );
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ActionNames: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
      ResourceArns: ['arn:aws:s3:::media'],
      ContextEntries: [
        { ContextKeyName: 'aws:SourceIdentity', ContextKeyType: 'string', ContextKeyValues: ['oncall'] },
      ],
    });
    expect(results).toEqual([
      {
        action: 's3:GetBucketPolicy',
        decision: 'allowed',
        missingContextValues: [],
        matchedPolicies: ['drp-target'],
      },
      {
        action: 's3:PutBucketPolicy',
        decision: 'explicitDeny',
        allowedByOrganizations: false,
        missingContextValues: [],
        matchedPolicies: [],
      },
      {
        action: 's3:PutObjectLegalHold',
        decision: 'implicitDeny',
        allowedByPermissionsBoundary: false,
        missingContextValues: ['aws:SourceIdentity'],
        matchedPolicies: [],
      },
    ]);
  });

  it('follows Marker through every page (AWS pages the results, up to 1,000 items a page)', async () => {
    iam
      .on(SimulatePrincipalPolicyCommand)
      .resolvesOnce({
        EvaluationResults: [{ EvalActionName: 'iam:GetRole', EvalDecision: 'allowed' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .resolvesOnce({ EvaluationResults: [{ EvalActionName: 'iam:GetUser', EvalDecision: 'allowed' }] });
    const results = await port().simulate(ROLE, ['iam:GetRole', 'iam:GetUser'], []);
    expect(results.map((r) => r.action)).toEqual(['iam:GetRole', 'iam:GetUser']);
    expect(iam).toHaveReceivedNthCommandWith(SimulatePrincipalPolicyCommand, 2, {
      Marker: 'm1',
      MaxItems: 1000,
    });
    // No resources: the simulator's default, "*", rather than an empty list it would refuse.
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]!.args[0].input).not.toHaveProperty(
      'ResourceArns',
    );
  });

  it("turns an emulator's non-AWS answer (moto: an HTML 500) into NotImplementedByEndpoint", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(
      Object.assign(
        new Error(
          'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
        ),
        {
          $metadata: { httpStatusCode: 500 },
          $response: { statusCode: 500 },
        },
      ),
    );
    await expect(port().simulate(ROLE, ['s3:GetObject'], [])).rejects.toMatchObject({
      name: 'NotImplementedByEndpoint',
      message: expect.stringContaining('does not implement IAM SimulatePrincipalPolicy'),
    });
  });

  it("passes AWS's own errors through: AccessDenied when the caller may not simulate, NoSuchEntity", async () => {
    iam
      .on(SimulatePrincipalPolicyCommand)
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:sts::111111111111:assumed-role/drp-target/drp is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${ROLE}`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );
    await expect(port().simulate(ROLE, ['s3:GetObject'], [])).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
