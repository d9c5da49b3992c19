import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { silentProgress } from '../../../src/output/progress.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import { openSession } from '../../../src/runbook/session.js';
import { scratch } from '../../support/drp.js';
import { callerCredentials, mockRoles } from '../../support/roles.js';
import { denies } from '../safety/deny-evaluator.js';

const TARGET = 'arn:aws:iam::111111111111:role/drp-target';
const ORG = 'arn:aws:iam::222222222222:role/ir/drp-org';
const EVIDENCE = 'arn:aws:iam::444444444444:role/drp-evidence';
const CALLER = 'arn:aws:iam::999999999999:user/alice';

const s3 = mockClient(S3Client);
const org = mockClient(OrganizationsClient);

function runbook() {
  const path = join(scratch(), 'accounts.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: drp/v1',
      'name: accounts',
      'description: one step per identity',
      'params: { bucket: { type: string, required: true } }',
      'steps:',
      '  - { id: deny, type: s3-deny-policy, with: { bucket: "${{ params.bucket }}" } }',
      '  - { id: scp, type: org-scp-deny, with: { bucket: "${{ params.bucket }}" } }',
      '  - { id: evidence, type: evidence-bucket }',
      '',
    ].join('\n'),
  );
  return loadRunbook(path);
}

const open = (extra = {}) =>
  openSession(runbook(), [{ name: 'bucket', value: 'media-prod', flag: '--bucket' }], {
    aws: { region: 'us-east-1', credentials: callerCredentials },
    accounts: { roles: { target: TARGET, org: ORG, evidence: EVIDENCE } },
    operator: 'alice',
    incidentId: 'INC-1',
    exemptPrincipals: [],
    concurrency: 4,
    evidenceDir: '/nonexistent',
    writable: true,
    log: silentLogger,
    progress: silentProgress,
    ...extra,
  });

describe('a session across accounts', () => {
  beforeEach(() => {
    mockRoles(CALLER);
    s3.reset();
    org.reset();
    // What S3 answers a HeadBucket sent to the wrong region: 301, no body, the bucket's region in
    // x-amz-bucket-region (moto answers 200 in any region, so only a mock shows this). From a
    // client in eu-west-1 (the target's ports, once the region is known) it answers 200.
    s3.on(HeadBucketCommand, { Bucket: 'media-prod' }).callsFake(async (_input, getClient) => {
      const region = await (getClient() as S3Client).config.region();
      if (region === 'eu-west-1') return { BucketRegion: 'eu-west-1' };
      throw Object.assign(
        new S3ServiceException({ name: 'PermanentRedirect', $fault: 'client', $metadata: {} }),
        {
          $metadata: { httpStatusCode: 301 },
          $response: { statusCode: 301, headers: { 'x-amz-bucket-region': 'eu-west-1' }, body: undefined },
        },
      );
    });
    s3.on(GetBucketPolicyCommand).rejects(
      new S3ServiceException({
        name: 'NoSuchBucketPolicy',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: 'none',
      }),
    );
    s3.on(PutBucketPolicyCommand).resolves({});
    org.on(DescribeOrganizationCommand).resolves({
      Organization: { Id: 'o-1', MasterAccountId: '222222222222', FeatureSet: 'ALL' },
    });
    org.on(ListRootsCommand).resolves({
      Roots: [{ Id: 'r-ab12', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }],
    });
    org.on(DescribeAccountCommand).resolves({ Account: { Id: '111111111111' } });
    org.on(ListPoliciesCommand).resolves({ Policies: [] });
    org.on(CreatePolicyCommand).resolves({ Policy: { PolicySummary: { Id: 'p-drp' } } });
    org.on(AttachPolicyCommand).resolves({});
  });

  it("acts where the leaked bucket is (HeadBucket's 301 names its region), evidence there too by default", async () => {
    const s = await open();
    expect(s.region).toBe('eu-west-1');
    expect(s.identities.target).toMatchObject({ accountId: '111111111111', region: 'eu-west-1' });
    expect(s.identities.evidence).toMatchObject({ accountId: '444444444444', region: 'eu-west-1' });
    expect(s.evidenceBucket).toBe('drp-evidence-444444444444-eu-west-1');
    expect(s.settingsOf('target').region).toBe('eu-west-1');
    const other = await open({ evidenceRegion: 'eu-central-1' });
    expect(other.identities.evidence.region).toBe('eu-central-1');
    expect(other.evidenceBucket).toBe('drp-evidence-444444444444-eu-central-1');
  });

  it('hands each step its identity: the deny the workload role, the SCP the org role, the evidence bucket the forensics role', async () => {
    const s = await open();
    const ctx = (id: string) =>
      s.contextFor(
        s.steps.find((x) => x.id === id)!,
        'plan',
      );
    expect(ctx('deny').caller.principalArn).toBe(TARGET);
    expect(ctx('scp').caller.principalArn).toBe(ORG);
    expect(ctx('evidence').caller.principalArn).toBe(EVIDENCE);
    expect(ctx('evidence').region).toBe('eu-west-1');
    // Only the identities the steps use; the caller's own credentials act as none of them.
    expect(s.exemptPrincipals.sort()).toEqual([ORG, TARGET, EVIDENCE].sort());
  });

  it('every deny exempts every role drp acts through, and the SCP goes to the workload account', async () => {
    const s = await open();
    for (const id of ['deny', 'scp']) {
      const step = s.steps.find((x) => x.id === id)!;
      const plan = await step.definition.plan(s.contextFor(step, 'plan'), step.params);
      await step.definition.apply(s.contextFor(step, 'apply'), step.params, plan);
    }
    expect(org).toHaveReceivedCommandWith(AttachPolicyCommand, {
      PolicyId: 'p-drp',
      TargetId: '111111111111',
    });
    const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!);
    const scp = JSON.parse(org.commandCalls(CreatePolicyCommand)[0]!.args[0].input.Content!);
    const denials = [...policy.Statement, ...scp.Statement].filter(
      (st: { Effect: string }) => st.Effect === 'Deny',
    );
    expect(denials.length).toBeGreaterThanOrEqual(2);
    for (const statement of denials) {
      for (const role of [TARGET, ORG, EVIDENCE]) expect(denies(statement, role), role).toBe(false);
      expect(denies(statement, 'arn:aws:iam::111111111111:user/vendor')).toBe(true);
    }
  });
});
