import type { WafRule, WebAclRef } from '../../aws/wafv2.js';

/** AWS managed rule groups waf-protect adds, with their web ACL capacity units (AWS WAF Developer Guide). */
export const MANAGED_GROUPS = [
  { suffix: 'ip-reputation', name: 'AWSManagedRulesAmazonIpReputationList', wcu: 25 },
  { suffix: 'anonymous-ip', name: 'AWSManagedRulesAnonymousIpList', wcu: 50 },
] as const;
/** A geographic match statement costs 1 WCU. */
export const GEO_WCU = 1;
/** Above this many WCUs a web ACL costs more; AWS refuses one over its maximum (WAFLimitsExceededException). */
export const BASE_WCU = 1_500;

/** Rule and metric names are [\w-]: drp's rules carry the incident id so a restore finds exactly them. */
export const rulePrefix = (incidentId: string) => `drp-${incidentId.replace(/[^\w-]/g, '')}-`;

export interface DesiredRule {
  name: string;
  wcu: number;
  describe: string;
  rule: Omit<WafRule, 'Priority'>;
}

const visibility = (name: string) => ({
  SampledRequestsEnabled: true,
  CloudWatchMetricsEnabled: true,
  MetricName: name.slice(0, 128),
});

/** The rules drp wants in the web ACL, first in evaluation order. */
export function desiredRules(incidentId: string, countries: readonly string[]): DesiredRule[] {
  const prefix = rulePrefix(incidentId);
  const managed = MANAGED_GROUPS.map((g) => ({
    name: `${prefix}${g.suffix}`,
    wcu: g.wcu,
    describe: `AWS managed rule group ${g.name} (${g.wcu} WCU), blocking`,
    rule: {
      Name: `${prefix}${g.suffix}`,
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: g.name } },
      OverrideAction: { None: {} },
      VisibilityConfig: visibility(`${prefix}${g.suffix}`),
    },
  }));
  if (!countries.length) return managed;
  const geo = `${prefix}geo-block`;
  return [
    ...managed,
    {
      name: geo,
      wcu: GEO_WCU,
      describe: `block requests from ${countries.join(', ')} (geographic match, ${GEO_WCU} WCU)`,
      rule: {
        Name: geo,
        Statement: { GeoMatchStatement: { CountryCodes: [...countries] as never } },
        Action: { Block: {} },
        VisibilityConfig: visibility(geo),
      },
    },
  ];
}

/** A rule of the customer's that already blocks with the same AWS managed group (not in count mode). */
export function blockingGroupRule(rules: readonly WafRule[], groupName: string): string | undefined {
  return rules.find((r) => {
    const g = r.Statement?.ManagedRuleGroupStatement;
    return g?.VendorName === 'AWS' && g.Name === groupName && r.OverrideAction?.None !== undefined;
  })?.Name;
}

export interface Shift {
  name: string;
  from: number;
  to: number;
}

/**
 * The web ACL's rules with drp's in front (priorities 0..n-1, so AWS WAF evaluates them before
 * any rule that could allow a request). Other rules keep their order; when some sit below n, all
 * of them move down by the same amount. drp's rules of this incident already there are replaced.
 */
export function withDrpRules(rules: readonly WafRule[], wanted: readonly DesiredRule[], prefix: string) {
  const others = rules.filter((r) => !r.Name?.startsWith(prefix));
  const lowest = Math.min(...others.map((r) => r.Priority ?? 0));
  const by = others.length && lowest < wanted.length ? wanted.length - lowest : 0;
  const shifted: Shift[] = by
    ? others.map((r) => ({ name: r.Name ?? '', from: r.Priority ?? 0, to: (r.Priority ?? 0) + by }))
    : [];
  const moved = others.map((r) => (by ? { ...r, Priority: (r.Priority ?? 0) + by } : r));
  const ours = wanted.map((w, i) => ({ ...w.rule, Priority: i }) as WafRule);
  return { rules: [...ours, ...moved], shifted };
}

/** The web ACL's rules without drp's, and with the priorities drp moved put back. */
export function withoutDrpRules(
  rules: readonly WafRule[],
  names: readonly string[],
  shifted: readonly Shift[],
) {
  return rules
    .filter((r) => !names.includes(r.Name ?? ''))
    .map((r) => {
      const s = shifted.find((x) => x.name === r.Name && x.to === r.Priority);
      return s ? { ...r, Priority: s.from } : r;
    });
}

/** arn:P:wafv2:REGION:ACCOUNT:(global|regional)/webacl/NAME/ID -> what GetWebACL takes. */
export function webAclRef(arn: string): WebAclRef {
  const [, , , region = '', , resource = ''] = arn.split(':');
  const [scope, , name = '', id = ''] = resource.split('/');
  // A CloudFront web ACL (global) is managed through us-east-1.
  return scope === 'global'
    ? { name, id, scope: 'CLOUDFRONT', region: 'us-east-1' }
    : { name, id, scope: 'REGIONAL', region };
}

/** Key order and empty fields aside (an emulator answers null where AWS leaves a field out). */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null && x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;

/** Whether the live rule is drp's wanted rule at that priority. */
export const sameRule = (live: WafRule | undefined, wanted: DesiredRule, priority: number) =>
  live !== undefined &&
  live.Priority === priority &&
  JSON.stringify(canonical({ ...live, Priority: undefined })) === JSON.stringify(canonical(wanted.rule));
