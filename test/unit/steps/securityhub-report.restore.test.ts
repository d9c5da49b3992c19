import {
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  InvalidAccessException,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/securityhub-report.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto has no BatchUpdateFindings: the restore's update is covered here with aws-sdk-client-mock.
const hub = mockClient(SecurityHubClient);
const restore = step.restore!;
const ACCT = '123456789012';
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCT}:product/${ACCT}/default`;
const ID = 'drp/INC-TEST-1/incident';
const recorded = (data: unknown = { productArn: PRODUCT, incidentFindingId: ID, imported: 1 }) =>
  recordedOf(
    step.params.parse({}),
    { enabled: true, region: 'us-east-1', productArn: PRODUCT, incidentFindingId: ID },
    { data },
  );
const live = (status?: string) =>
  hub.on(GetFindingsCommand).resolves({
    Findings:
      status === undefined
        ? []
        : [{ Id: ID, ProductArn: PRODUCT, Workflow: { Status: status } } as AwsSecurityFinding],
  });

describe('securityhub-report restore', () => {
  beforeEach(() => {
    hub.reset();
    hub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [{ Id: ID, ProductArn: PRODUCT }],
      UnprocessedFindings: [],
      $metadata: { requestId: 'U1' },
    });
  });

  it('plans RESOLVED for the incident finding read-only, then sets it with a note naming the restorer', async () => {
    live('NOTIFIED');
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    expect(plan.changes).toEqual([
      {
        action: 'update-finding-workflow',
        target: `securityhub:${ID}`,
        detail: 'NOTIFIED -> RESOLVED, with a note: containment lifted by drp restore',
      },
    ]);
    expect(hub).toHaveReceivedCommandTimes(BatchUpdateFindingsCommand, 0);
    const applied = await restore.apply(testContext().ctx, recorded(), plan);
    expect(hub).toHaveReceivedCommandWith(BatchUpdateFindingsCommand, {
      FindingIdentifiers: [{ Id: ID, ProductArn: PRODUCT }],
      Workflow: { Status: 'RESOLVED' },
      Note: {
        Text: 'Containment of incident INC-TEST-1 lifted by drp restore.',
        UpdatedBy: 'arn:aws:iam::123456789012:role/Responder',
      },
    });
    expect(applied.requestIds).toEqual(['U1']);
  });

  it('leaves a finding the SOC resolved or suppressed since as it is', async () => {
    live('SUPPRESSED');
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    expect(plan.changes).toEqual([]);
    expect(plan.kept).toEqual([expect.stringMatching(/is SUPPRESSED already/)]);
  });

  it('Security Hub disabled since the run is not applicable (InvalidAccessException)', async () => {
    hub.on(GetFindingsCommand).rejects(
      new InvalidAccessException({
        $metadata: { httpStatusCode: 401 },
        message: 'Account is not subscribed to AWS Security Hub',
      }),
    );
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    expect(plan.changes).toEqual([]);
    expect(plan.notApplicable).toMatch(/no longer enabled in us-east-1/);
  });

  it('has nothing to restore when the run imported nothing', async () => {
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded({}), DEFAULTS);
    expect(plan.changes).toEqual([]);
    expect(hub.calls()).toHaveLength(0);
  });

  it("an unprocessed finding fails the restore with Security Hub's reason", async () => {
    live('NEW');
    hub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: ID, ProductArn: PRODUCT },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding not found',
        },
      ],
    });
    const plan = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded(), DEFAULTS);
    await expect(restore.apply(testContext().ctx, recorded(), plan)).rejects.toThrow(
      `Security Hub did not update ${ID}: FindingNotFound: Finding not found`,
    );
  });
});
