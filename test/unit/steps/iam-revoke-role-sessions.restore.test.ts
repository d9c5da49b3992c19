import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { revokePolicy } from '../../../src/steps/iam-revoke-role-sessions.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const restore = step.restore!;
const NAME = 'drp-revoke-INC-TEST-1';
const REVOKED_AT = '2026-11-25T03:00:00.000Z';
const arn = (role: string) => `arn:aws:iam::123456789012:role/media/${role}`;
const ours = JSON.stringify(revokePolicy(new Date(REVOKED_AT)));

const observedRole = (role: string, existingPolicy: string | null = null, policyName = NAME) => ({
  role,
  arn: arn(role),
  policyName,
  existingPolicy,
});
const contained = (...roles: ReturnType<typeof observedRole>[]) =>
  recordedOf(
    { roles: roles.map((r) => r.role), allowSelf: false },
    { roles },
    { data: { issuedBefore: REVOKED_AT } },
  );
const livePolicy = (role: string, document: string | undefined) =>
  document === undefined
    ? iam
        .on(GetRolePolicyCommand, { RoleName: role })
        .rejects(new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message: 'none' }))
    : iam
        .on(GetRolePolicyCommand, { RoleName: role })
        .resolves({ PolicyDocument: encodeURIComponent(document) });

describe('iam-revoke-role-sessions restore', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(DeleteRolePolicyCommand).resolves({ $metadata: { requestId: 'R-DEL' } });
  });

  it("deletes drp's own revoke policy from each role that had none, and nothing else", async () => {
    livePolicy('pipeline', ours);
    livePolicy('uploader', ours);
    const recorded = contained(observedRole('pipeline'), observedRole('uploader'));
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.drift).toEqual([]);
    expect(p.changes.map((c) => [c.action, c.target])).toEqual([
      ['delete-role-policy', arn('pipeline')],
      ['delete-role-policy', arn('uploader')],
    ]);
    expect(iam).toHaveReceivedCommandTimes(DeleteRolePolicyCommand, 0);
    const applied = await restore.apply(testContext().ctx, recorded, p);
    expect(iam).toHaveReceivedCommandTimes(DeleteRolePolicyCommand, 2);
    expect(iam).toHaveReceivedNthCommandWith(DeleteRolePolicyCommand, 1, {
      RoleName: 'pipeline',
      PolicyName: NAME,
    });
    expect(iam).toHaveReceivedNthCommandWith(DeleteRolePolicyCommand, 2, {
      RoleName: 'uploader',
      PolicyName: NAME,
    });
    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 0);
    expect(applied.requestIds).toEqual(['R-DEL', 'R-DEL']);
  });

  it('leaves a revoke policy that existed before the run (an earlier run of the incident put it)', async () => {
    livePolicy('pipeline', ours);
    const recorded = contained(observedRole('pipeline', ours));
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual([
      expect.stringMatching(/already had drp-revoke-INC-TEST-1 before this run.*left as is/),
    ]);
    expect(iam).toHaveReceivedCommandTimes(GetRolePolicyCommand, 0);
  });

  it('never deletes a policy whose name is not drp-revoke-<this incident>', async () => {
    livePolicy('pipeline', ours);
    const recorded = contained(observedRole('pipeline', null, 'drp-revoke-INC-OTHER'));
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([]);
  });

  it('warns of drift when the revoke policy was edited since', async () => {
    livePolicy('pipeline', JSON.stringify(revokePolicy(new Date('2026-11-26T00:00:00Z'))));
    const p = await restore.plan(
      testContext({ aws: testPorts(true) }).ctx,
      contained(observedRole('pipeline')),
      DEFAULTS,
    );
    expect(p.drift).toEqual([
      expect.stringMatching(/role pipeline: drp-revoke-INC-TEST-1 is not the document drp wrote/),
    ]);
    expect(p.changes).toHaveLength(1);
  });

  it('has nothing to remove when the policy is already gone', async () => {
    livePolicy('pipeline', undefined);
    const p = await restore.plan(
      testContext({ aws: testPorts(true) }).ctx,
      contained(observedRole('pipeline')),
      DEFAULTS,
    );
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual([expect.stringMatching(/no longer has drp-revoke-INC-TEST-1/)]);
  });
});
