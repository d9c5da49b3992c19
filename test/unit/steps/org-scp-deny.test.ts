import {
  AccessDeniedException,
  AttachPolicyCommand,
  AWSOrganizationsNotInUseException,
  ConstraintViolationException,
  CreatePolicyCommand,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DuplicatePolicyAttachmentException,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationalUnitNotFoundException,
  OrganizationsClient,
  PolicyTypeNotEnabledException,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/org-scp-deny.js';
import { testContext, testPorts } from '../../support/step-context.js';

const org = mockClient(OrganizationsClient);
const meta = { $metadata: { httpStatusCode: 400, requestId: 'REQ-ERR' } };
const MGMT = '999999999999';
const CALLER = '123456789012';
const RESPONDER = 'arn:aws:iam::123456789012:role/Responder';
const FORENSICS = 'arn:aws:iam::123456789012:role/ops/Forensics';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:media-resizer';
const FN_ALIAS = 'arn:aws:lambda:us-east-1:123456789012:function:media-thumbs:prod';
const API_BARE = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5';
const API_PATH = 'arn:aws:execute-api:us-east-1:123456789012:f6g7h8/prod/GET/media/*';
const base = { functions: [] as string[], apis: [] as string[] };

const unless = (...principals: string[]) => ({ ArnNotLike: { 'aws:PrincipalArn': principals } });
const s3Deny = (bucket: string, ...principals: string[]) => ({
  Sid: 'DrpDenyS3',
  Effect: 'Deny',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: unless(...principals),
});
const document = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

function organization({ scpEnabled = true, featureSet = 'ALL' } = {}) {
  org.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: 'o-abc', MasterAccountId: MGMT, FeatureSet: featureSet as never },
  });
  org.on(ListRootsCommand).resolves({
    Roots: [
      {
        Id: 'r-ab12',
        PolicyTypes: scpEnabled ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [],
      },
    ],
  });
  org.on(ListPoliciesCommand).resolves({
    Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess' }],
  });
}

function existingPolicy(content: unknown, targets: string[]) {
  org.on(ListPoliciesCommand).resolves({
    Policies: [
      { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess' },
      { Id: 'p-drp1', Name: 'drp-INC-TEST-1' },
    ],
  });
  org
    .on(DescribePolicyCommand, { PolicyId: 'p-drp1' })
    .resolves({ Policy: { Content: JSON.stringify(content) } });
  org.on(ListTargetsForPolicyCommand, { PolicyId: 'p-drp1' }).resolves({
    Targets: targets.map((TargetId) => ({ TargetId })),
  });
}

const planCtx = (overrides = {}) => testContext({ aws: testPorts(true), ...overrides }).ctx;

async function planAndApply(params: Parameters<typeof step.plan>[1], overrides = {}) {
  const plan = await step.plan(planCtx(overrides), params);
  return { plan, applied: await step.apply(testContext(overrides).ctx, params, plan) };
}

const sentContent = () =>
  JSON.parse(org.commandCalls(CreatePolicyCommand)[0]!.args[0].input.Content!) as unknown;

describe('org-scp-deny', () => {
  beforeEach(() => {
    org.reset();
    organization();
    org.on(CreatePolicyCommand).resolves({
      $metadata: { requestId: 'R-CREATE' },
      Policy: { PolicySummary: { Id: 'p-new' } },
    });
    org.on(UpdatePolicyCommand).resolves({ $metadata: { requestId: 'R-UPDATE' } });
    org.on(AttachPolicyCommand).resolves({ $metadata: { requestId: 'R-ATTACH' } });
  });

  it('plans to create and attach its SCP, observes that none existed, and sends no mutating command', async () => {
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media' });
    expect(plan).toEqual({
      observed: {
        policyName: 'drp-INC-TEST-1',
        policyId: null,
        content: null,
        attached: false,
        target: CALLER,
        managementAccountId: MGMT,
        rootId: 'r-ab12',
      },
      changes: [
        {
          action: 'create-scp',
          target: 'SCP drp-INC-TEST-1',
          detail: expect.stringMatching(
            /^deny s3:\* on s3:\/\/media, except 1 exempt principal \(\d+ of 5,120 characters\)$/,
          ),
        },
        { action: 'attach-scp', target: `account ${CALLER}`, detail: 'SCP drp-INC-TEST-1' },
      ],
    });
    expect(org).toHaveReceivedCommandWith(ListPoliciesCommand, { Filter: 'SERVICE_CONTROL_POLICY' });
    expect(org).toHaveReceivedCommandTimes(CreatePolicyCommand, 0);
    expect(org).toHaveReceivedCommandTimes(UpdatePolicyCommand, 0);
    expect(org).toHaveReceivedCommandTimes(AttachPolicyCommand, 0);
  });

  it('creates the exact SCP: bucket, functions (with their versions and aliases) and APIs, exempting the responders in every deny', async () => {
    const { applied } = await planAndApply(
      { bucket: 'media', functions: [FN, FN_ALIAS], apis: [API_BARE, API_PATH] },
      { exemptPrincipals: [RESPONDER, FORENSICS] },
    );
    expect(org).toHaveReceivedCommandWith(CreatePolicyCommand, {
      Name: 'drp-INC-TEST-1',
      Type: 'SERVICE_CONTROL_POLICY',
    });
    expect(sentContent()).toEqual(
      document(
        s3Deny('media', RESPONDER, FORENSICS),
        {
          Sid: 'DrpDenyLambda',
          Effect: 'Deny',
          Action: 'lambda:*',
          Resource: [FN, `${FN}:*`, FN_ALIAS],
          Condition: unless(RESPONDER, FORENSICS),
        },
        {
          Sid: 'DrpDenyExecuteApi',
          Effect: 'Deny',
          Action: 'execute-api:*',
          Resource: [`${API_BARE}/*`, API_PATH],
          Condition: unless(RESPONDER, FORENSICS),
        },
      ),
    );
    expect(org).toHaveReceivedCommandWith(AttachPolicyCommand, { PolicyId: 'p-new', TargetId: CALLER });
    expect(applied.requestIds).toEqual(['R-CREATE', 'R-ATTACH']);
    expect(applied.data).toMatchObject({ policyId: 'p-new', target: CALLER });
  });

  it('has nothing to do when its SCP exists with the same content and is attached', async () => {
    existingPolicy(document(s3Deny('media', RESPONDER)), ['r-ab12', CALLER]);
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media' });
    expect(plan.changes).toEqual([]);
    expect(plan.observed).toMatchObject({ policyId: 'p-drp1', attached: true });
  });

  it('updates the content only when it differs, and does not attach it a second time', async () => {
    const before = document(s3Deny('media', RESPONDER));
    existingPolicy(before, [CALLER]);
    const { plan, applied } = await planAndApply({ ...base, bucket: 'media', functions: [FN] });
    expect(plan.observed).toMatchObject({
      policyId: 'p-drp1',
      content: JSON.stringify(before),
      attached: true,
    });
    expect(plan.changes.map((c) => c.action)).toEqual(['update-scp']);
    const content = JSON.parse(org.commandCalls(UpdatePolicyCommand)[0]!.args[0].input.Content!) as {
      Statement: { Sid: string }[];
    };
    expect(content.Statement.map((s) => s.Sid)).toEqual(['DrpDenyS3', 'DrpDenyLambda']);
    expect(org).toHaveReceivedCommandTimes(AttachPolicyCommand, 0);
    expect(org).toHaveReceivedCommandTimes(CreatePolicyCommand, 0);
    expect(applied.requestIds).toEqual(['R-UPDATE']);
  });

  it('finds its SCP on a later page of ListPolicies', async () => {
    existingPolicy(document(s3Deny('media', RESPONDER)), [CALLER]);
    org
      .on(ListPoliciesCommand)
      .resolvesOnce({ Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess' }], NextToken: 'page2' })
      .resolves({ Policies: [{ Id: 'p-drp1', Name: 'drp-INC-TEST-1' }] });
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media' });
    expect(plan.observed).toMatchObject({ policyId: 'p-drp1', attached: true });
    expect(plan.changes).toEqual([]);
    expect(org).toHaveReceivedCommandWith(ListPoliciesCommand, {
      Filter: 'SERVICE_CONTROL_POLICY',
      NextToken: 'page2',
    });
  });

  it('attaches an existing, unchanged SCP that is not attached to the target', async () => {
    existingPolicy(document(s3Deny('media', RESPONDER)), ['r-ab12']);
    const { plan } = await planAndApply({ ...base, bucket: 'media' });
    expect(plan.changes.map((c) => c.action)).toEqual(['attach-scp']);
    expect(org).toHaveReceivedCommandWith(AttachPolicyCommand, { PolicyId: 'p-drp1', TargetId: CALLER });
    expect(org).toHaveReceivedCommandTimes(UpdatePolicyCommand, 0);
  });

  it('refuses an SCP over 5,120 characters before any AWS call, saying what to do', async () => {
    const functions = Array.from(
      { length: 40 },
      (_, i) => `arn:aws:lambda:us-east-1:123456789012:function:media-function-number-${i}`,
    );
    const error = await step
      .plan(planCtx(), { ...base, bucket: 'media', functions })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ScpTooLarge' });
    expect((error as Error).message).toMatch(
      /^the SCP would be [\d,]+ characters; AWS allows 5,120\. Name fewer --function\/--api ARNs/,
    );
    expect(org.calls()).toHaveLength(0);
  });

  it('acts as the org identity, and by default attaches to the workload account, not the one Organizations is reached from', async () => {
    expect(step.identity).toBe('org');
    const orgRole = {
      arn: `arn:aws:sts::${MGMT}:assumed-role/drp-org/drp-INC-TEST-1`,
      accountId: MGMT,
      principalArn: `arn:aws:iam::${MGMT}:role/drp-org`,
      region: 'us-east-1',
    };
    const workload = {
      ...orgRole,
      accountId: '111111111111',
      arn: 'arn:aws:sts::111111111111:assumed-role/t/s',
    };
    const { ctx } = testContext({ aws: testPorts(true), caller: orgRole });
    const multi = { ...ctx, identities: { ...ctx.identities, org: orgRole, target: workload } };
    org
      .on(DescribeAccountCommand, { AccountId: '111111111111' })
      .resolves({ Account: { Id: '111111111111' } });
    const plan = await step.plan(multi, { ...base, bucket: 'media', scpTarget: '' });
    expect(plan.observed).toMatchObject({ target: '111111111111' });
    expect(plan.changes.at(-1)).toMatchObject({ action: 'attach-scp', target: 'account 111111111111' });
    expect(org).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: '111111111111' });
  });

  it('attaches to the scpTarget given; an empty scpTarget means the workload account', async () => {
    org.on(DescribeOrganizationalUnitCommand).resolves({ OrganizationalUnit: { Id: 'ou-ab12-34cd56ef' } });
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: 'ou-ab12-34cd56ef' });
    expect(plan.changes.at(-1)).toEqual({
      action: 'attach-scp',
      target: 'OU ou-ab12-34cd56ef',
      detail: 'SCP drp-INC-TEST-1',
    });
    const empty = await step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: '' });
    expect(empty.observed).toMatchObject({ target: CALLER });
  });

  it('reports a target that is not in the organization as a user error naming --scp-target', async () => {
    org
      .on(DescribeOrganizationalUnitCommand)
      .rejects(new OrganizationalUnitNotFoundException({ ...meta, message: 'no' }));
    await expect(
      step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: 'ou-zz99-zzzzzzzz' }),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: '--scp-target ou-zz99-zzzzzzzz: no such OU in this organization',
    });
    await expect(
      step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: 'r-zz99' }),
    ).rejects.toMatchObject({
      name: 'UserError',
    });
    expect(org).toHaveReceivedCommandTimes(DescribeAccountCommand, 0);
  });

  it('is not applicable when the target is the management account, which SCPs never restrict: no SCP is made', async () => {
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: MGMT });
    expect(plan.changes).toEqual([]);
    expect(plan.notApplicable).toMatch(
      /^account 999999999999 is the organization's management account, which SCPs never restrict: an SCP attached to it would have no effect/,
    );
    expect(org).toHaveReceivedCommandTimes(ListPoliciesCommand, 0);
    expect(org).toHaveReceivedCommandTimes(CreatePolicyCommand, 0);
    expect(org).toHaveReceivedCommandTimes(AttachPolicyCommand, 0);
  });

  it('is not applicable in an account outside AWS Organizations (DescribeOrganization answers 404 AWSOrganizationsNotInUseException)', async () => {
    org.on(DescribeOrganizationCommand).rejects(
      new AWSOrganizationsNotInUseException({
        $metadata: { httpStatusCode: 404, requestId: 'REQ-404' },
        message: "Your account isn't a member of an organization.",
      }),
    );
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media' });
    expect(plan).toMatchObject({ changes: [], observed: { policyId: null, target: CALLER } });
    expect(plan.notApplicable).toMatch(
      /^account 123456789012 is not in an AWS Organization, so no SCP applies to it/,
    );
    expect(org).toHaveReceivedCommandTimes(ListRootsCommand, 0);
  });

  it('says that an SCP does not stop public endpoints when functions or APIs are named', async () => {
    const none = await step.plan(planCtx(), { ...base, bucket: 'media', scpTarget: '' });
    expect(none.notes).toBeUndefined();
    const plan = await step.plan(planCtx(), { ...base, bucket: 'media', functions: [FN], scpTarget: '' });
    expect(plan.notes).toEqual([
      expect.stringMatching(/does not stop callers outside the organization or unauthenticated ones/),
    ]);
  });

  describe('explains each Organizations failure with what to do', () => {
    it('caller not in the management account', async () => {
      org.on(ListRootsCommand).rejects(
        new AccessDeniedException({
          ...meta,
          message: "You don't have permissions to access this resource.",
        }),
      );
      const error = await step.plan(planCtx(), { ...base, bucket: 'media' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AccessDeniedException' });
      expect((error as Error).message).toMatch(
        /SCPs are managed from the organization's management account \(999999999999\) or a delegated administrator.*the caller is in account 123456789012/,
      );
    });

    it('SCPs not enabled on the root, found at plan time', async () => {
      organization({ scpEnabled: false });
      const error = await step.plan(planCtx(), { ...base, bucket: 'media' }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'PolicyTypeNotEnabled',
        message: expect.stringContaining(
          'aws organizations enable-policy-type --root-id r-ab12 --policy-type SERVICE_CONTROL_POLICY',
        ),
      });
    });

    it('an organization with consolidated billing only', async () => {
      organization({ featureSet: 'CONSOLIDATED_BILLING' });
      await expect(step.plan(planCtx(), { ...base, bucket: 'media' })).rejects.toMatchObject({
        name: 'AllFeaturesNotEnabled',
        message: expect.stringContaining('aws organizations enable-all-features'),
      });
    });

    it('SCPs disabled between plan and apply: a StepFailure recording the policy already created', async () => {
      org
        .on(AttachPolicyCommand)
        .rejects(new PolicyTypeNotEnabledException({ ...meta, message: 'This policy type is not enabled.' }));
      const params = { ...base, bucket: 'media' };
      const plan = await step.plan(planCtx(), params);
      const failure = (await step
        .apply(testContext().ctx, params, plan)
        .catch((e: unknown) => e)) as StepFailure;
      expect(failure).toBeInstanceOf(StepFailure);
      expect(failure.partial.changes.map((c) => c.action)).toEqual(['create-scp']);
      expect(failure.partial.data).toEqual({ policyId: 'p-new', target: CALLER });
      expect(formatError(failure.cause)).toMatch(
        /^PolicyTypeNotEnabledException: This policy type is not enabled\. Service control policies are not enabled: from the management account run "aws organizations enable-policy-type --root-id r-ab12/,
      );
    });

    it('the quota of SCPs per target', async () => {
      org.on(AttachPolicyCommand).rejects(
        new ConstraintViolationException({
          ...meta,
          message: 'too many policies',
          Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
        }),
      );
      const params = { ...base, bucket: 'media' };
      const plan = await step.plan(planCtx(), params);
      const failure = (await step
        .apply(testContext().ctx, params, plan)
        .catch((e: unknown) => e)) as StepFailure;
      expect((failure.cause as Error).message).toMatch(
        /at most 5 SCPs attached to one target.*detach an SCP you no longer need from 123456789012/,
      );
    });
  });

  it('treats an attachment made since the plan as done, not as a failure', async () => {
    org
      .on(AttachPolicyCommand)
      .rejects(new DuplicatePolicyAttachmentException({ ...meta, message: 'already attached' }));
    const { applied } = await planAndApply({ ...base, bucket: 'media' });
    expect(applied.changes.map((c) => c.action)).toEqual(['create-scp']);
    expect(applied.notes).toEqual([`SCP drp-INC-TEST-1 was already attached to account ${CALLER}`]);
  });
});
