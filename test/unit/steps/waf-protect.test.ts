import {
  GetWebACLCommand,
  UpdateWebACLCommand,
  WAFLimitsExceededException,
  WAFOptimisticLockException,
  WAFV2Client,
  type CountryCode,
  type Rule,
} from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '../../../src/errors.js';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type Observed } from '../../../src/steps/waf-protect.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const waf = mockClient(WAFV2Client);
const ID = 'a1b2c3d4-5678-90ab-cdef-111122223333';
const ARN = `arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/media-upload/${ID}`;
const visibility = (name: string) => ({
  SampledRequestsEnabled: true,
  CloudWatchMetricsEnabled: true,
  MetricName: name,
});
const theirs: Rule[] = [
  {
    Name: 'allow-office',
    Priority: 0,
    Statement: {
      IPSetReferenceStatement: { ARN: 'arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/office/1' },
    },
    Action: { Allow: {} },
    VisibilityConfig: visibility('allow-office'),
  },
  {
    Name: 'rate-limit',
    Priority: 1,
    Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
    Action: { Block: {} },
    VisibilityConfig: visibility('rate-limit'),
  },
];
// Settings UpdateWebACL would reset if they were not sent back.
const settings = {
  DefaultAction: { Allow: {} },
  Description: 'media uploads',
  VisibilityConfig: visibility('media-upload'),
  CustomResponseBodies: { blocked: { ContentType: 'TEXT_PLAIN' as const, Content: 'blocked' } },
  TokenDomains: ['media.example.com'],
};

function webAcl(rules: Rule[], lockToken = 'lock-1') {
  return {
    WebACL: { Name: 'media-upload', Id: ID, ARN, Rules: rules, Capacity: 700, ...settings },
    LockToken: lockToken,
  };
}

const ipReputation = {
  Name: 'drp-INC-TEST-1-ip-reputation',
  Priority: 0,
  Statement: {
    ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
  },
  OverrideAction: { None: {} },
  VisibilityConfig: visibility('drp-INC-TEST-1-ip-reputation'),
};
const anonymousIp = {
  Name: 'drp-INC-TEST-1-anonymous-ip',
  Priority: 1,
  Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAnonymousIpList' } },
  OverrideAction: { None: {} },
  VisibilityConfig: visibility('drp-INC-TEST-1-anonymous-ip'),
};
const geoBlock = {
  Name: 'drp-INC-TEST-1-geo-block',
  Priority: 2,
  Statement: { GeoMatchStatement: { CountryCodes: ['KP', 'IR'] as CountryCode[] } },
  Action: { Block: {} },
  VisibilityConfig: visibility('drp-INC-TEST-1-geo-block'),
};
const p = { webAclArn: ARN, blockCountries: ['KP', 'IR'] };

describe('waf-protect', () => {
  beforeEach(() => waf.reset());

  it("plans drp's rules in front, the web ACL's own moved down in order; records the rules; changes nothing", async () => {
    waf.on(GetWebACLCommand).resolves(webAcl(theirs));
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
    expect(plan.observed).toEqual({
      webAclArn: ARN,
      ref: { name: 'media-upload', id: ID, scope: 'REGIONAL', region: 'eu-west-1' },
      rules: [
        { name: 'allow-office', priority: 0 },
        { name: 'rate-limit', priority: 1 },
      ],
      capacity: 700,
      adding: ['drp-INC-TEST-1-ip-reputation', 'drp-INC-TEST-1-anonymous-ip', 'drp-INC-TEST-1-geo-block'],
    });
    expect(plan.changes.map((c) => c.detail)).toEqual([
      'drp-INC-TEST-1-ip-reputation: AWS managed rule group AWSManagedRulesAmazonIpReputationList (25 WCU), blocking, priority 0',
      'drp-INC-TEST-1-anonymous-ip: AWS managed rule group AWSManagedRulesAnonymousIpList (50 WCU), blocking, priority 1',
      'drp-INC-TEST-1-geo-block: block requests from KP, IR (geographic match, 1 WCU), priority 2',
      "2 existing rule(s) moved down by 3, order kept, so drp's are evaluated first",
    ]);
    expect(waf).toHaveReceivedCommandWith(GetWebACLCommand, {
      Name: 'media-upload',
      Id: ID,
      Scope: 'REGIONAL',
    });
    expect(waf).toHaveReceivedCommandTimes(UpdateWebACLCommand, 0);
  });

  it('sends every setting back as it was, with the lock token just read, and retries on WAFOptimisticLockException', async () => {
    waf
      .on(GetWebACLCommand)
      .resolvesOnce(webAcl(theirs, 'lock-1'))
      .resolvesOnce(webAcl(theirs, 'lock-2'))
      .resolves(webAcl(theirs, 'lock-3'));
    waf
      .on(UpdateWebACLCommand)
      .rejectsOnce(
        new WAFOptimisticLockException({ $metadata: { httpStatusCode: 400 }, message: 'lock token stale' }),
      )
      .resolves({ NextLockToken: 'lock-4', $metadata: { requestId: 'REQ-1' } });
    const { ctx } = testContext();
    const plan = await step.plan(ctx, p);
    const applied = await step.apply(ctx, p, plan);
    expect(waf).toHaveReceivedCommandTimes(UpdateWebACLCommand, 2);
    expect(waf).toHaveReceivedNthCommandWith(UpdateWebACLCommand, 2, {
      Name: 'media-upload',
      Id: ID,
      Scope: 'REGIONAL',
      LockToken: 'lock-3',
      ...settings,
      Rules: [
        ipReputation,
        anonymousIp,
        geoBlock,
        { ...theirs[0]!, Priority: 3 },
        { ...theirs[1]!, Priority: 4 },
      ],
    });
    expect(applied.data).toEqual({
      ruleNames: ['drp-INC-TEST-1-ip-reputation', 'drp-INC-TEST-1-anonymous-ip', 'drp-INC-TEST-1-geo-block'],
      shifted: [
        { name: 'allow-office', from: 0, to: 3 },
        { name: 'rate-limit', from: 1, to: 4 },
      ],
    });
  });

  it('does not add a managed group the web ACL already blocks with, and moves nothing when there is room in front', async () => {
    const own = {
      ...ipReputation,
      Name: 'aws-ip-reputation',
      Priority: 10,
      VisibilityConfig: visibility('x'),
    };
    waf.on(GetWebACLCommand).resolves(webAcl([own]));
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      webAclArn: ARN,
      blockCountries: [],
    });
    expect(plan.observed.adding).toEqual(['drp-INC-TEST-1-anonymous-ip']);
    expect(plan.changes.map((c) => c.action)).toEqual(['add-waf-rule']);
    expect(plan.notes).toContain(
      'rule aws-ip-reputation already blocks with AWSManagedRulesAmazonIpReputationList: drp does not add it again',
    );
  });

  it("a re-run finds drp's rules in front already: nothing to do", async () => {
    waf
      .on(GetWebACLCommand)
      .resolves(webAcl([ipReputation, anonymousIp, geoBlock, { ...theirs[1]!, Priority: 9 }]));
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
    expect(plan.changes).toEqual([]);
  });

  it('WAFLimitsExceededException: the step fails saying the capacity is the limit and what to do', async () => {
    waf.on(GetWebACLCommand).resolves(webAcl(theirs));
    waf.on(UpdateWebACLCommand).rejects(
      new WAFLimitsExceededException({
        $metadata: { httpStatusCode: 400, requestId: 'REQ-L' },
        message: 'Limit exceeded',
        SourceType: 'WebACL',
      }),
    );
    const { ctx } = testContext();
    const err = await step.apply(ctx, p, await step.plan(ctx, p)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect(formatError((err as StepFailure).cause)).toMatch(
      /^WAFLimitsExceededException: Limit exceeded\. web ACL media-upload \(eu-west-1\) would exceed its capacity .*pass fewer --block-country/,
    );
  });

  it('no --web-acl: nothing to do, no call', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      webAclArn: '',
      blockCountries: [],
    });
    expect(plan.changes).toEqual([]);
    expect(waf).toHaveReceivedCommandTimes(GetWebACLCommand, 0);
  });

  it('a CloudFront (global) web ACL is read and updated in us-east-1 with scope CLOUDFRONT', async () => {
    const global = `arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn/${ID}`;
    waf.on(GetWebACLCommand).resolves(webAcl([]));
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, {
      webAclArn: global,
      blockCountries: [],
    });
    expect(plan.observed.ref).toEqual({ name: 'cdn', id: ID, scope: 'CLOUDFRONT', region: 'us-east-1' });
    expect(await waf.commandCalls(GetWebACLCommand)[0]!.thisValue.config.region()).toBe('us-east-1');
  });
});

describe('waf-protect restore', () => {
  beforeEach(() => waf.reset());
  const observed: Observed = {
    webAclArn: ARN,
    ref: { name: 'media-upload', id: ID, scope: 'REGIONAL', region: 'eu-west-1' },
    rules: [
      { name: 'allow-office', priority: 0 },
      { name: 'rate-limit', priority: 1 },
    ],
    capacity: 700,
    adding: [],
  };
  const recorded = recordedOf({ webAclArn: ARN, blockCountries: [] as string[] }, observed, {
    data: {
      ruleNames: ['drp-INC-TEST-1-ip-reputation', 'drp-INC-TEST-1-anonymous-ip', 'drp-INC-TEST-1-geo-block'],
      shifted: [
        { name: 'allow-office', from: 0, to: 3 },
        { name: 'rate-limit', from: 1, to: 4 },
      ],
    },
  });

  it("removes exactly drp's rules and puts back the priorities it moved; a rule added since stays", async () => {
    const added = { ...theirs[1]!, Name: 'added-since', Priority: 7 };
    const live = [
      ipReputation,
      anonymousIp,
      geoBlock,
      { ...theirs[0]!, Priority: 3 },
      { ...theirs[1]!, Priority: 4 },
      added,
    ];
    waf.on(GetWebACLCommand).resolves(webAcl(live, 'lock-9'));
    const plan = await step.restore!.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(plan.changes.map((c) => c.action)).toEqual([
      'remove-waf-rule',
      'remove-waf-rule',
      'remove-waf-rule',
      'reprioritise-waf-rules',
    ]);
    expect(plan.drift).toEqual([]);
    expect(waf).toHaveReceivedCommandTimes(UpdateWebACLCommand, 0);
    waf.on(UpdateWebACLCommand).resolves({});
    await step.restore!.apply(testContext().ctx, recorded, plan);
    expect(waf).toHaveReceivedCommandWith(UpdateWebACLCommand, {
      LockToken: 'lock-9',
      ...settings,
      Rules: [theirs[0]!, theirs[1]!, added],
    });
  });

  it('a moved rule someone moved again since is drift, and left where it is', async () => {
    waf
      .on(GetWebACLCommand)
      .resolves(webAcl([ipReputation, { ...theirs[0]!, Priority: 8 }, { ...theirs[1]!, Priority: 4 }]));
    const plan = await step.restore!.plan(testContext().ctx, recorded, DEFAULTS);
    expect(plan.drift).toEqual([
      'rule allow-office is at priority 8 now, not 3 as drp left it: left where it is',
    ]);
  });
});
