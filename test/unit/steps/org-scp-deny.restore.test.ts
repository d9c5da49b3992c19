import {
  AccessDeniedException,
  AttachPolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type Observed } from '../../../src/steps/org-scp-deny.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const org = mockClient(OrganizationsClient);
const restore = step.restore!;
const NAME = 'drp-INC-TEST-1';
const ACCOUNT = '123456789012';
const DRP_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DrpDenyS3', Effect: 'Deny' }],
});
const OLD_CONTENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Old', Effect: 'Deny' }] });
const params = { bucket: 'media', functions: [], apis: [] };

const observed = (o: Partial<Observed> = {}): Observed => ({
  policyName: NAME,
  policyId: null,
  content: null,
  attached: false,
  target: ACCOUNT,
  managementAccountId: '999999999999',
  rootId: 'r-root',
  ...o,
});

function live({ id = 'p-drp', content = DRP_CONTENT, targets = [ACCOUNT] } = {}) {
  org.on(ListPoliciesCommand).resolves({ Policies: [{ Id: id, Name: NAME }] });
  org.on(DescribePolicyCommand).resolves({ Policy: { Content: content } });
  org.on(ListTargetsForPolicyCommand).resolves({ Targets: targets.map((TargetId) => ({ TargetId })) });
}

const planFor = (o: Observed, data: object = { policyId: 'p-drp', content: DRP_CONTENT }) =>
  restore.plan(testContext({ aws: testPorts(true) }).ctx, recordedOf(params, o, { data }), DEFAULTS);

describe('org-scp-deny restore', () => {
  beforeEach(() => {
    org.reset();
    org.on(DetachPolicyCommand).resolves({ $metadata: { requestId: 'R-DETACH' } });
    org.on(DeletePolicyCommand).resolves({ $metadata: { requestId: 'R-DELETE' } });
    org.on(UpdatePolicyCommand).resolves({ $metadata: { requestId: 'R-UPDATE' } });
  });

  it('detaches then deletes the SCP drp created, and sends nothing else', async () => {
    live();
    const o = observed();
    const p = await planFor(o);
    expect(p.changes.map((c) => c.action)).toEqual(['detach-scp', 'delete-scp']);
    expect(p.drift).toEqual([]);
    expect(org).toHaveReceivedCommandTimes(DetachPolicyCommand, 0);
    const applied = await restore.apply(testContext().ctx, recordedOf(params, o, {}), p);
    expect(org).toHaveReceivedCommandWith(DetachPolicyCommand, { PolicyId: 'p-drp', TargetId: ACCOUNT });
    expect(org).toHaveReceivedCommandWith(DeletePolicyCommand, { PolicyId: 'p-drp' });
    expect(org).toHaveReceivedCommandTimes(UpdatePolicyCommand, 0);
    expect(org).toHaveReceivedCommandTimes(AttachPolicyCommand, 0);
    expect(applied.requestIds).toEqual(['R-DETACH', 'R-DELETE']);
  });

  it('puts the old content back, and detaches, when the SCP existed before and drp only updated it', async () => {
    live({ id: 'p-old' });
    const o = observed({ policyId: 'p-old', content: OLD_CONTENT });
    const p = await planFor(o, { policyId: 'p-old', content: DRP_CONTENT });
    expect(p.changes.map((c) => c.action)).toEqual(['detach-scp', 'update-scp']);
    await restore.apply(testContext().ctx, recordedOf(params, o, {}), p);
    expect(org).toHaveReceivedCommandWith(UpdatePolicyCommand, { PolicyId: 'p-old', Content: OLD_CONTENT });
    expect(org).toHaveReceivedCommandTimes(DeletePolicyCommand, 0);
  });

  it('never deletes an SCP that existed before the run, nor detaches one that was attached before', async () => {
    live({ id: 'p-old' });
    const p = await planFor(observed({ policyId: 'p-old', content: DRP_CONTENT, attached: true }));
    expect(p.changes).toEqual([]);
  });

  it('warns of drift when the SCP content was edited since', async () => {
    live({ content: OLD_CONTENT });
    expect((await planFor(observed())).drift).toEqual([
      expect.stringMatching(/SCP drp-INC-TEST-1 \(p-drp\): its content differs from what drp wrote/),
    ]);
  });

  it('does not delete an SCP attached elsewhere since, and says what to do', async () => {
    live({ targets: [ACCOUNT, 'ou-ab12-34cd56ef'] });
    const p = await planFor(observed());
    expect(p.changes.map((c) => c.action)).toEqual(['detach-scp']);
    expect(p.notes).toEqual([
      expect.stringMatching(/not deleted: it is also attached to OU ou-ab12-34cd56ef/),
    ]);
  });

  it('has nothing to undo when the SCP no longer exists', async () => {
    org.on(ListPoliciesCommand).resolves({ Policies: [] });
    const p = await planFor(observed());
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual([`SCP ${NAME} no longer exists: nothing to undo`]);
  });

  it('a failed detach is a StepFailure with what was done and what to do', async () => {
    live();
    org.on(DetachPolicyCommand).rejects(new AccessDeniedException({ $metadata: {}, message: 'denied' }));
    const o = observed();
    const p = await planFor(o);
    const err = await restore.apply(testContext().ctx, recordedOf(params, o, {}), p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as StepFailure).partial.changes).toEqual([]);
    expect((err as StepFailure).message).toMatch(/management account/);
    expect(org).toHaveReceivedCommandTimes(DeletePolicyCommand, 0);
  });
});
