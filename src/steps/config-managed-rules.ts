import * as z from 'zod';
import type { ConfigRecorder, ConfigRuleState } from '../aws/configservice.js';
import { Arn, BucketName, partitionOf } from '../names.js';
import { defineStep, StepFailure, type Applied, type Change, type StepContext } from './define.js';
import {
  desiredRule,
  findRule,
  isSameRule,
  MANAGED_RULE_IDS,
  recorderFix,
  records,
  type DesiredRule,
} from './lib/config-rules.js';
import restore from './config-managed-rules.restore.js';

export interface Observed {
  region: string;
  recorders: { name: string; recording: boolean }[];
  /** The rules drp will create: absent before the run, so its restore may delete exactly these. */
  absent: DesiredRule[];
}

/** Findings about the recorder: rules that would see nothing, and how to make them see. */
function recorderNotes(ctx: StepContext, recorders: ConfigRecorder[], wanted: DesiredRule[]): string[] {
  const notes: string[] = [];
  for (const r of recorders.filter((x) => !x.recording))
    notes.push(
      `configuration recorder ${r.name} is not recording: change-triggered rules evaluate nothing until it does: aws configservice start-configuration-recorder --region ${ctx.region} --configuration-recorder-name ${r.name}`,
    );
  for (const rule of wanted)
    for (const type of findRule(rule.identifier)!.resourceTypes)
      if (!recorders.some((r) => records(r, type)))
        notes.push(
          `${rule.identifier}: no recorder records ${type}, so the rule reports no result for it: add ${type} to the recording group`,
        );
  if (wanted.some((r) => r.identifier === 'IAM_USER_MFA_ENABLED'))
    notes.push(
      'IAM_USER_MFA_ENABLED is periodic over global IAM resources: AWS Config advises deploying it in one region only; skip it elsewhere (--param rules=...)',
    );
  return notes;
}

export default defineStep({
  type: 'config-managed-rules',
  summary:
    'Deploy AWS Config managed rules that watch what the incident exploited (MFA for IAM users, public read and write on buckets, S3 data events in CloudTrail, public Lambda functions, WAF on API stages); a rule already watching the same thing is left as it is',
  params: z
    .object({
      bucket: BucketName.describe("The leaked bucket: CLOUDTRAIL_S3_DATAEVENTS_ENABLED's S3BucketNames"),
      rules: z
        .array(z.enum(MANAGED_RULE_IDS as [string, ...string[]]))
        .default([])
        .describe('The managed rule identifiers to deploy (empty: all six)'),
      webAclArns: z
        .array(Arn)
        .default([])
        .describe("API_GW_ASSOCIATED_WITH_WAF's WebAclArns: the web ACLs a stage must use (empty: any)"),
    })
    .strict(),
  permissions: [
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeConfigRules',
    'config:PutConfigRule',
    // PutConfigRule with Tags: AWS authorises the tags as config:TagResource.
    'config:TagResource',
  ],
  example: {
    bucket: 'product-media-prod',
    rules: ['IAM_USER_MFA_ENABLED', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED'],
  },

  async plan(ctx, p) {
    const { configservice } = ctx.aws;
    const recorders = await configservice.describeRecorders();
    const base = {
      region: ctx.region,
      recorders: recorders.map((r) => ({ name: r.name, recording: r.recording })),
    };
    if (recorders.length === 0)
      return {
        observed: { ...base, absent: [] },
        changes: [],
        notApplicable: `AWS Config has no configuration recorder in ${ctx.region}: a managed rule needs one (PutConfigRule would fail with NoAvailableConfigurationRecorderException)`,
        notes: [
          `finding: AWS Config is not set up in ${ctx.region}, so nothing watches for the exploited settings coming back. Set it up: ${recorderFix(ctx.region, ctx.caller.accountId, partitionOf(ctx.caller.arn))}; then run drp harden again`,
        ],
      };
    const live = await configservice.describeRules();
    const wanted = (p.rules.length ? p.rules : MANAGED_RULE_IDS).map((id) => desiredRule(findRule(id)!, p));
    const absent: DesiredRule[] = [];
    const notes: string[] = [];
    for (const rule of wanted) {
      const same = live.find((r) => r.name === rule.name);
      const watching = live.find(
        (r: ConfigRuleState) => r.owner === 'AWS' && r.sourceIdentifier === rule.identifier,
      );
      if (same && !isSameRule(same, rule))
        notes.push(`rule ${rule.name} exists with other settings than drp's: left as it is`);
      else if (!same && watching)
        notes.push(`${rule.identifier} is already watched by rule ${watching.name}: not duplicated`);
      else if (!same) absent.push(rule);
    }
    const changes: Change[] = absent.map((r) => ({
      action: 'put-config-rule',
      target: `config-rule/${r.name}`,
      detail: `${r.identifier}: ${findRule(r.identifier)!.watches}`,
    }));
    notes.push(...recorderNotes(ctx, recorders, absent));
    return { observed: { ...base, absent }, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, p, plan) {
    const done: Applied = { changes: [], requestIds: [], data: { created: [] as DesiredRule[] } };
    const created = (done.data as { created: DesiredRule[] }).created;
    for (const rule of plan.observed.absent) {
      try {
        const call = await ctx.aws.configservice.putManagedRule({
          ...rule,
          description:
            `drp harden, incident ${ctx.incidentId}: watches ${findRule(rule.identifier)!.watches}`.slice(
              0,
              256,
            ),
          tags: { 'drp:incident': ctx.incidentId, 'drp:managed-by': 'drp' },
        });
        created.push(rule);
        done.changes.push(plan.changes.find((c) => c.target === `config-rule/${rule.name}`)!);
        if (call.requestId) done.requestIds.push(call.requestId);
      } catch (err) {
        const gone = err instanceof Error && err.name === 'NoAvailableConfigurationRecorderException';
        throw new StepFailure(
          {
            ...done,
            ...(gone
              ? {
                  notes: [
                    `AWS Config in ${ctx.region} has no configuration recorder any more (it was removed after the plan): ${recorderFix(ctx.region, ctx.caller.accountId, partitionOf(ctx.caller.arn))}; then run drp harden again`,
                  ],
                }
              : {}),
          },
          { cause: err },
        );
      }
    }
    return done;
  },

  restore,
});
