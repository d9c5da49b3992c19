import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { createIamSimulateClient, createIamSimulatePort } from '../../../src/aws/iam-simulate.js';
import { checkPermissions, needsByIdentity, resourcesOf } from '../../../src/preflight/permissions.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import '../../support/matchers.js';

// moto lacks iam:SimulatePrincipalPolicy: every decision here is mocked in the shape AWS returns.
const iam = mockClient(IAMClient);
const ROLE = 'arn:aws:iam::111111111111:role/ir/drp-target';
const runbook = loadRunbook('deepfake-s3-leak');
const sim = () => createIamSimulatePort(createIamSimulateClient({ region: 'us-east-1' }));
const needs = () => ({
  principalArn: ROLE,
  identities: ['target' as const],
  actions: needsByIdentity(runbook).get('target')!,
});

/** Every action asked for is allowed, except those given their own result. */
function answer(overrides: Record<string, object> = {}) {
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ActionNames: string[] }) => ({
    EvaluationResults: input.ActionNames.map((a) => ({
      EvalActionName: a,
      EvalDecision: 'allowed',
      ...overrides[a],
    })),
  }));
}

beforeEach(() => iam.reset());

describe('preflight permissions (iam:SimulatePrincipalPolicy)', () => {
  it('says ready when every action the target steps call is allowed, on the bucket and its objects', async () => {
    answer();
    const checks = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(checks).toEqual([expect.objectContaining({ verdict: 'ready', group: 'permissions' })]);
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      PolicySourceArn: ROLE,
      ActionNames: expect.arrayContaining(['s3:PutObjectLegalHold']),
      ResourceArns: ['arn:aws:s3:::media/*'],
    });
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
      ActionNames: expect.arrayContaining(['s3:PutBucketPolicy', 's3:ListBucketVersions']),
      ResourceArns: ['arn:aws:s3:::media'],
    });
    // Every action of the target's steps was asked about, once.
    const asked = iam
      .commandCalls(SimulatePrincipalPolicyCommand)
      .flatMap((c) => c.args[0].input.ActionNames ?? []);
    expect(asked.sort()).toEqual([...needs().actions.keys()].sort());
  });

  it('blocks on an implicitly denied action and names the step that needs it, with the statement to add', async () => {
    answer({ 's3:PutObjectLegalHold': { EvalDecision: 'implicitDeny' } });
    const checks = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(checks).toEqual([
      expect.objectContaining({
        name: 's3:PutObjectLegalHold',
        verdict: 'blocked',
        steps: expect.arrayContaining(['legal-holds']),
        detail: expect.stringContaining('not allowed for arn:aws:iam::111111111111:role/ir/drp-target'),
        fix: expect.stringContaining('{"Effect":"Allow","Action":["s3:PutObjectLegalHold"],"Resource":"*"}'),
      }),
    ]);
  });

  it('says an SCP denies it when OrganizationsDecisionDetail says so; a gap when only onError: continue steps need it', async () => {
    answer({
      's3:PutBucketPolicy': {
        EvalDecision: 'explicitDeny',
        OrganizationsDecisionDetail: { AllowedByOrganizations: false },
      },
      'lambda:PutFunctionConcurrency': {
        EvalDecision: 'explicitDeny',
        OrganizationsDecisionDetail: { AllowedByOrganizations: false },
      },
    });
    const checks = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(checks).toHaveLength(2);
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 's3:PutBucketPolicy',
          verdict: 'blocked',
          steps: expect.arrayContaining(['deny-policy']),
          detail: expect.stringContaining('service control policy'),
          fix: expect.stringContaining(`exempt ${ROLE} in the SCP`),
        }),
        // lambda-isolate is onError: continue: the run goes on without it.
        expect.objectContaining({
          name: 'lambda:PutFunctionConcurrency',
          verdict: 'gap',
          steps: ['lambda-isolate'],
        }),
      ]),
    );
  });

  it('says the permissions boundary denies it when PermissionsBoundaryDecisionDetail says so', async () => {
    answer({
      's3:PutBucketObjectLockConfiguration': {
        EvalDecision: 'implicitDeny',
        PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
      },
    });
    const [check] = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(check).toMatchObject({
      verdict: 'blocked',
      steps: ['object-lock'],
      detail: expect.stringContaining('permissions boundary'),
      fix: `add s3:PutBucketObjectLockConfiguration to the permissions boundary policy of ${ROLE}`,
    });
  });

  it('names the explicit Deny statement policy to change', async () => {
    answer({
      's3:PutBucketPolicy': {
        EvalDecision: 'explicitDeny',
        MatchedStatements: [{ SourcePolicyId: 'no-bucket-policies' }],
      },
    });
    const [check] = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(check).toMatchObject({ verdict: 'blocked', fix: expect.stringContaining('no-bucket-policies') });
  });

  it('is a gap, not a block, when the decision hangs on a context key the simulation was not given', async () => {
    answer({
      's3:PutObjectLegalHold': {
        EvalDecision: 'implicitDeny',
        MissingContextValues: ['aws:MultiFactorAuthPresent'],
      },
    });
    const [check] = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(check).toMatchObject({
      verdict: 'gap',
      detail: expect.stringContaining('aws:MultiFactorAuthPresent'),
    });
  });

  it('falls back with one "simulation not available" gap where the endpoint lacks it (moto)', async () => {
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
    const checks = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(checks).toEqual([
      expect.objectContaining({
        verdict: 'gap',
        detail: expect.stringMatching(
          /^simulation not available: .*does not implement IAM SimulatePrincipalPolicy/,
        ),
        fix: expect.stringContaining(`allow iam:SimulatePrincipalPolicy on ${ROLE}`),
      }),
    ]);
  });

  it('falls back the same way when the principal may not simulate itself (AccessDenied)', async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(
      Object.assign(new Error(`User: ${ROLE} is not authorized to perform: iam:SimulatePrincipalPolicy`), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const checks = await checkPermissions(sim(), needs(), runbook, ['media'], 'aws');
    expect(checks).toEqual([
      expect.objectContaining({ verdict: 'gap', detail: expect.stringContaining('AccessDenied') }),
    ]);
  });

  it('does not simulate the root user, whom IAM policies do not limit', async () => {
    const checks = await checkPermissions(
      sim(),
      { ...needs(), principalArn: 'arn:aws:iam::111111111111:root' },
      runbook,
      [],
      'aws',
    );
    expect(checks).toEqual([expect.objectContaining({ verdict: 'ready' })]);
    expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, 0);
  });

  it('evaluates object actions on the objects, bucket actions on the bucket, others on "*"', () => {
    expect(resourcesOf('s3:PutObjectLegalHold', ['a', 'b'], 'aws-cn')).toEqual([
      'arn:aws-cn:s3:::a/*',
      'arn:aws-cn:s3:::b/*',
    ]);
    expect(resourcesOf('s3:PutBucketObjectLockConfiguration', ['a'], 'aws')).toEqual(['arn:aws:s3:::a']);
    expect(resourcesOf('s3:ListBucketVersions', ['a'], 'aws')).toEqual(['arn:aws:s3:::a']);
    expect(resourcesOf('iam:UpdateAccessKey', ['a'], 'aws')).toEqual([]);
  });
});
