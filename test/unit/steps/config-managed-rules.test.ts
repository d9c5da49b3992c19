import {
  ConfigServiceClient,
  DeleteConfigRuleCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  MaxNumberOfConfigRulesExceededException,
  NoAvailableConfigurationRecorderException,
  NoSuchConfigRuleException,
  PutConfigRuleCommand,
  type ConfigRule,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/config-managed-rules.js';
import { StepFailure } from '../../../src/steps/define.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto emulates Config rules but accepts PutConfigRule without any configuration recorder, where
// AWS answers NoAvailableConfigurationRecorderException: that, and the rule quota, are reproduced here.
const config = mockClient(ConfigServiceClient);
const params = step.params.parse({ bucket: 'media' });
const ALL: string[] = [
  'drp-iam-user-mfa-enabled',
  'drp-s3-bucket-public-write-prohibited',
  'drp-s3-bucket-public-read-prohibited',
  'drp-cloudtrail-s3-dataevents-enabled',
  'drp-lambda-function-public-access-prohibited',
  'drp-api-gw-associated-with-waf',
];

function recorder(
  group: object = { allSupported: true, includeGlobalResourceTypes: true },
  recording = true,
) {
  config.on(DescribeConfigurationRecordersCommand).resolves({
    ConfigurationRecorders: [
      { name: 'default', roleARN: 'arn:aws:iam::123456789012:role/config', recordingGroup: group },
    ],
  });
  config
    .on(DescribeConfigurationRecorderStatusCommand)
    .resolves({ ConfigurationRecordersStatus: [{ name: 'default', recording }] });
}
const rules = (...ConfigRules: ConfigRule[]) =>
  config.on(DescribeConfigRulesCommand).resolves({ ConfigRules });
const plan = () => step.plan(testContext({ aws: testPorts(true) }).ctx, params);

describe('config-managed-rules plan', () => {
  beforeEach(() => config.reset());

  it('is not applicable in a region without a configuration recorder, and says how to set one up', async () => {
    config.on(DescribeConfigurationRecordersCommand).resolves({ ConfigurationRecorders: [] });
    config.on(DescribeConfigurationRecorderStatusCommand).resolves({ ConfigurationRecordersStatus: [] });
    const p = await plan();
    expect(p).toMatchObject({
      changes: [],
      notApplicable: expect.stringMatching(
        /^AWS Config has no configuration recorder in us-east-1: .*NoAvailableConfigurationRecorderException/,
      ),
      notes: [
        expect.stringMatching(
          /^finding: AWS Config is not set up in us-east-1.*aws configservice put-configuration-recorder --region us-east-1 .*start-configuration-recorder/,
        ),
      ],
    });
    expect(config).toHaveReceivedCommandTimes(PutConfigRuleCommand, 0);
  });

  it('plans the six rules, each named for what it watches, and sends nothing', async () => {
    recorder();
    rules();
    const p = await plan();
    expect(p.changes.map((c) => c.target)).toEqual(ALL.map((n) => `config-rule/${n}`));
    expect(p.changes[0]).toEqual({
      action: 'put-config-rule',
      target: 'config-rule/drp-iam-user-mfa-enabled',
      detail: 'IAM_USER_MFA_ENABLED: IAM users without MFA (the leaked keys belonged to one)',
    });
    expect(p.observed.recorders).toEqual([{ name: 'default', recording: true }]);
    expect(p.notes).toEqual([
      expect.stringMatching(/^IAM_USER_MFA_ENABLED is periodic over global IAM resources/),
    ]);
    expect(config).toHaveReceivedCommandTimes(PutConfigRuleCommand, 0);
  });

  it("leaves alone a rule that already watches the same thing, and drp's own rule, changed or not", async () => {
    recorder();
    rules(
      {
        ConfigRuleName: 'securityhub-iam-user-mfa',
        Source: { Owner: 'AWS', SourceIdentifier: 'IAM_USER_MFA_ENABLED' },
      },
      {
        ConfigRuleName: 'drp-s3-bucket-public-write-prohibited',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' },
        Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
      },
      {
        ConfigRuleName: 'drp-cloudtrail-s3-dataevents-enabled',
        Source: { Owner: 'AWS', SourceIdentifier: 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED' },
        InputParameters: '{"S3BucketNames":"other-bucket"}',
      },
    );
    const p = await plan();
    expect(p.changes.map((c) => c.target)).toEqual([
      'config-rule/drp-s3-bucket-public-read-prohibited',
      'config-rule/drp-lambda-function-public-access-prohibited',
      'config-rule/drp-api-gw-associated-with-waf',
    ]);
    expect(p.notes).toEqual([
      'IAM_USER_MFA_ENABLED is already watched by rule securityhub-iam-user-mfa: not duplicated',
      "rule drp-cloudtrail-s3-dataevents-enabled exists with other settings than drp's: left as it is",
    ]);
  });

  it('finds a recorder that is stopped, or that does not record what a rule evaluates', async () => {
    recorder({ allSupported: false, resourceTypes: ['AWS::S3::Bucket'] }, false);
    rules();
    const p = await plan();
    expect(p.notes).toEqual([
      'configuration recorder default is not recording: change-triggered rules evaluate nothing until it does: aws configservice start-configuration-recorder --region us-east-1 --configuration-recorder-name default',
      expect.stringMatching(/^IAM_USER_MFA_ENABLED: no recorder records AWS::IAM::User/),
      expect.stringMatching(
        /^LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED: no recorder records AWS::Lambda::Function/,
      ),
      expect.stringMatching(/^API_GW_ASSOCIATED_WITH_WAF: no recorder records AWS::ApiGateway::Stage/),
      expect.stringMatching(/^IAM_USER_MFA_ENABLED is periodic/),
    ]);
  });
});

describe('config-managed-rules apply', () => {
  beforeEach(() => {
    config.reset();
    recorder();
    rules();
  });

  it('puts each managed rule with its scope or daily frequency, its parameters and drp tags', async () => {
    config.on(PutConfigRuleCommand).resolves({ $metadata: { requestId: 'R' } });
    const p = await plan();
    const applied = await step.apply(testContext().ctx, params, p);
    expect(config).toHaveReceivedCommandTimes(PutConfigRuleCommand, 6);
    const inputs = config.commandCalls(PutConfigRuleCommand).map((c) => c.args[0].input);
    const tags = [
      { Key: 'drp:incident', Value: 'INC-TEST-1' },
      { Key: 'drp:managed-by', Value: 'drp' },
    ];
    expect(inputs[1]).toEqual({
      ConfigRule: {
        ConfigRuleName: 'drp-s3-bucket-public-write-prohibited',
        Description: expect.stringMatching(
          /^drp harden, incident INC-TEST-1: watches buckets that allow public write/,
        ),
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' },
        Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
      },
      Tags: tags,
    });
    expect(inputs[3]).toEqual({
      ConfigRule: {
        ConfigRuleName: 'drp-cloudtrail-s3-dataevents-enabled',
        Description: expect.any(String),
        Source: { Owner: 'AWS', SourceIdentifier: 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED' },
        InputParameters: '{"S3BucketNames":"media"}',
        MaximumExecutionFrequency: 'TwentyFour_Hours',
      },
      Tags: tags,
    });
    expect(applied.changes).toHaveLength(6);
    expect((applied.data as { created: { name: string }[] }).created.map((r) => r.name)).toEqual(ALL);
  });

  it("fails part-way on AWS's NoAvailableConfigurationRecorderException with the rules put so far and the fix", async () => {
    config
      .on(PutConfigRuleCommand)
      .resolvesOnce({})
      .rejects(
        new NoAvailableConfigurationRecorderException({
          message: 'Configuration recorder is not available to put delivery channel.',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    const p = await plan();
    const err = await step.apply(testContext().ctx, params, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    const failure = err as StepFailure;
    expect((failure.cause as Error).name).toBe('NoAvailableConfigurationRecorderException');
    expect(failure.partial.changes.map((c) => c.target)).toEqual(['config-rule/drp-iam-user-mfa-enabled']);
    expect(failure.partial.notes).toEqual([
      expect.stringMatching(/no configuration recorder any more.*put-configuration-recorder/),
    ]);
    expect((failure.partial.data as { created: unknown[] }).created).toHaveLength(1);
  });

  it("stops at AWS's rule quota (MaxNumberOfConfigRulesExceededException), saying what it did", async () => {
    config.on(PutConfigRuleCommand).rejects(
      new MaxNumberOfConfigRulesExceededException({
        message: 'Failed to put config rule because the account already contains the maximum number of rules',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const err = (await step
      .apply(testContext().ctx, params, await plan())
      .catch((e: unknown) => e)) as StepFailure;
    expect((err.cause as Error).name).toBe('MaxNumberOfConfigRulesExceededException');
    expect(err.partial.changes).toEqual([]);
  });
});

describe('config-managed-rules restore', () => {
  beforeEach(() => config.reset());

  const recorded = (created: string[]) => ({
    params,
    plan: { observed: { region: 'us-east-1', recorders: [], absent: [] }, changes: [] },
    result: {
      outcome: 'applied' as const,
      changes: [],
      data: {
        created: created.map((name) => ({
          name,
          identifier: name === ALL[1] ? 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' : 'IAM_USER_MFA_ENABLED',
          inputParameters: {},
          complianceResourceTypes: name === ALL[1] ? ['AWS::S3::Bucket'] : [],
        })),
      },
    },
    artefact: async () => '',
  });
  const options = { reactivateKeys: false, releaseHolds: false, keepExternalGrants: false };

  it('deletes exactly the rules the run created that are still there, and flags one changed since', async () => {
    config.on(DescribeConfigRulesCommand, { ConfigRuleNames: [ALL[0]!] }).resolves({
      ConfigRules: [
        { ConfigRuleName: ALL[0], Source: { Owner: 'AWS', SourceIdentifier: 'IAM_USER_MFA_ENABLED' } },
      ],
    });
    config.on(DescribeConfigRulesCommand, { ConfigRuleNames: [ALL[1]!] }).resolves({
      ConfigRules: [
        {
          ConfigRuleName: ALL[1],
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED' },
          Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket', 'AWS::S3::AccountPublicAccessBlock'] },
        },
      ],
    });
    config
      .on(DescribeConfigRulesCommand, { ConfigRuleNames: ['drp-gone'] })
      .rejects(
        new NoSuchConfigRuleException({ message: 'The ConfigRule drp-gone does not exist', $metadata: {} }),
      );
    const r = recorded([ALL[0]!, ALL[1]!, 'drp-gone']);
    const p = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, r, options);
    expect(p.changes.map((c) => c.target)).toEqual([`config-rule/${ALL[0]}`, `config-rule/${ALL[1]}`]);
    expect(p.drift).toEqual([
      expect.stringMatching(
        /^config rule drp-s3-bucket-public-write-prohibited was changed since drp created it/,
      ),
    ]);
    expect(config).toHaveReceivedCommandTimes(DeleteConfigRuleCommand, 0);

    config.on(DeleteConfigRuleCommand).resolves({ $metadata: { requestId: 'D' } });
    const applied = await step.restore!.apply(testContext().ctx, r, p);
    expect(config.commandCalls(DeleteConfigRuleCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigRuleName: ALL[0] },
      { ConfigRuleName: ALL[1] },
    ]);
    expect(applied.requestIds).toEqual(['D', 'D']);
  });
});
