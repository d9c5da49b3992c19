import * as z from 'zod';
import type { WebAclRef } from '../aws/wafv2.js';
import { CountryCode, WebAclArn } from '../names.js';
import { type Change, defineStep, StepFailure, type StepContext } from './define.js';
import { explain, IsolationError, isAccessDenied } from './lib/explain.js';
import { retryOn } from './lib/retry.js';
import {
  BASE_WCU,
  blockingGroupRule,
  desiredRules,
  MANAGED_GROUPS,
  rulePrefix,
  sameRule,
  webAclRef,
  withDrpRules,
  type DesiredRule,
  type Shift,
} from './lib/waf-rules.js';
import restore from './waf-protect.restore.js';

export interface Observed {
  webAclArn: string;
  ref: WebAclRef | null;
  /** Every rule's name and priority before drp: what a restore puts back. */
  rules: { name: string; priority: number }[];
  capacity: number;
  /** The names of the rules drp adds (or replaces, on a re-run). */
  adding: string[];
}

export interface Added {
  ruleNames: string[];
  shifted: Shift[];
}

const Params = z
  .object({
    webAclArn: z
      .union([WebAclArn, z.literal('')])
      .default('')
      .describe('The existing WAFv2 web ACL guarding the media endpoints; empty: nothing to do'),
    blockCountries: z
      .array(CountryCode)
      .default([])
      .describe('ISO 3166-1 alpha-2 countries whose requests a drp rule blocks (none: no geographic rule)'),
  })
  .strict();

const aclName = (ref: WebAclRef) =>
  `web ACL ${ref.name} (${ref.scope === 'CLOUDFRONT' ? 'CloudFront' : ref.region})`;

/** The rules to add: each managed group the customer does not already block with, and the geo rule. */
function wantedRules(ctx: StepContext, rules: Parameters<typeof blockingGroupRule>[0], countries: string[]) {
  const notes: string[] = [];
  const wanted = desiredRules(ctx.incidentId, countries).filter((w) => {
    const group = MANAGED_GROUPS.find((g) => w.name.endsWith(g.suffix));
    const theirs = group && blockingGroupRule(rules, group.name);
    if (theirs) notes.push(`rule ${theirs} already blocks with ${group.name}: drp does not add it again`);
    return !theirs;
  });
  return { wanted, notes };
}

function hintFor(err: unknown, ref: WebAclRef): string | undefined {
  switch ((err as Error).name) {
    case 'WAFLimitsExceededException':
      return `${aclName(ref)} would exceed its capacity (web ACL capacity units) with drp's rules: remove rules it no longer needs, or pass fewer --block-country, then run drp contain again`;
    case 'WAFOptimisticLockException':
      return `${aclName(ref)} kept changing while drp updated it (another deployment?): run drp contain again`;
    case 'WAFNonexistentItemException':
      return `${aclName(ref)} no longer exists: check --web-acl`;
    default:
      return isAccessDenied(err)
        ? 'drp needs wafv2:GetWebACL and wafv2:UpdateWebACL on the web ACL and its managed rule groups (drp permissions lists them)'
        : undefined;
  }
}

export default defineStep({
  type: 'waf-protect',
  summary:
    "Add AWS's managed IP reputation and anonymous IP rule groups, and an optional geographic block, in front of an existing WAFv2 web ACL's rules, recording its previous rules; every other rule and setting is kept",
  params: Params,
  permissions: ['wafv2:GetWebACL', 'wafv2:UpdateWebACL'],
  example: {
    webAclArn:
      'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/media-upload/a1b2c3d4-5678-90ab-cdef-111122223333',
    blockCountries: ['KP'],
  },

  async plan(ctx, { webAclArn, blockCountries }) {
    const observed: Observed = { webAclArn, ref: null, rules: [], capacity: 0, adding: [] };
    if (!webAclArn)
      return { observed, changes: [], notes: ['no web ACL given (--web-acl): no WAF rule to add'] };
    const ref = webAclRef(webAclArn);
    if (webAclArn.split(':')[4] !== ctx.caller.accountId)
      throw new IsolationError(
        'WebAclInOtherAccount',
        `--web-acl ${webAclArn} is in another account than the caller's (${ctx.caller.accountId}): run drp contain with that account's credentials`,
      );
    const acl = await ctx.aws.wafv2.getWebAcl(ref);
    if (!acl)
      throw new IsolationError('WAFNonexistentItemException', `--web-acl ${webAclArn}: no such web ACL`);
    observed.ref = ref;
    observed.rules = acl.rules.map((r) => ({ name: r.Name ?? '', priority: r.Priority ?? 0 }));
    observed.capacity = acl.capacity;
    const prefix = rulePrefix(ctx.incidentId);
    const { wanted, notes } = wantedRules(
      ctx,
      acl.rules.filter((r) => !r.Name?.startsWith(prefix)),
      blockCountries,
    );
    const built = withDrpRules(acl.rules, wanted, prefix);
    const same = (w: DesiredRule, i: number) =>
      sameRule(
        acl.rules.find((r) => r.Name === w.name),
        w,
        i,
      );
    const stale = acl.rules.filter(
      (r) => r.Name?.startsWith(prefix) && !wanted.some((w) => w.name === r.Name),
    );
    if (wanted.every(same) && !stale.length && !built.shifted.length) {
      if (wanted.length) notes.push(`${aclName(ref)} already has drp's rules of this incident in front`);
      return { observed, changes: [], notes };
    }
    observed.adding = wanted.map((w) => w.name);
    const changes: Change[] = wanted.map((w, i) => ({
      action: 'add-waf-rule',
      target: aclName(ref),
      detail: `${w.name}: ${w.describe}, priority ${i}`,
    }));
    if (built.shifted.length)
      changes.push({
        action: 'reprioritise-waf-rules',
        target: aclName(ref),
        detail: `${built.shifted.length} existing rule(s) moved down by ${built.shifted[0]!.to - built.shifted[0]!.from}, order kept, so drp's are evaluated first`,
      });
    const wcu = acl.capacity + wanted.reduce((n, w) => n + w.wcu, 0);
    if (wcu > BASE_WCU)
      notes.push(
        `${aclName(ref)} will use about ${wcu} WCUs: above ${BASE_WCU} AWS WAF charges more, and a web ACL over its maximum is refused (WAFLimitsExceededException)`,
      );
    if (acl.managedByFirewallManager)
      notes.push(`${aclName(ref)} is managed by AWS Firewall Manager, whose policy may replace drp's rules`);
    return { observed, changes, notes };
  },

  async apply(ctx, { blockCountries }, plan) {
    const ref = plan.observed.ref!;
    const prefix = rulePrefix(ctx.incidentId);
    try {
      // The web ACL may change between plan and apply: each attempt reads it again (its lock token).
      const result = await retryOn(['WAFOptimisticLockException'], async () => {
        const acl = await ctx.aws.wafv2.getWebAcl(ref);
        if (!acl) throw new IsolationError('WAFNonexistentItemException', `${aclName(ref)} no longer exists`);
        const { wanted } = wantedRules(
          ctx,
          acl.rules.filter((r) => !r.Name?.startsWith(prefix)),
          blockCountries,
        );
        const built = withDrpRules(acl.rules, wanted, prefix);
        const call = await ctx.aws.wafv2.updateWebAclRules(acl, built.rules);
        return { call, wanted, shifted: built.shifted };
      });
      const changes: Change[] = result.wanted.map((w, i) => ({
        action: 'add-waf-rule',
        target: aclName(ref),
        detail: `${w.name}: ${w.describe}, priority ${i}`,
      }));
      if (result.shifted.length)
        changes.push({
          action: 'reprioritise-waf-rules',
          target: aclName(ref),
          detail: `${result.shifted.length} existing rule(s) moved down, order kept`,
        });
      const data: Added = { ruleNames: result.wanted.map((w) => w.name), shifted: result.shifted };
      return { changes, requestIds: result.call.requestId ? [result.call.requestId] : [], data };
    } catch (err) {
      throw new StepFailure({ changes: [], requestIds: [] }, { cause: explain(err, hintFor(err, ref)) });
    }
  },

  restore,
});
