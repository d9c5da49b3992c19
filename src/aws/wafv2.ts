import {
  GetWebACLCommand,
  UpdateWebACLCommand,
  WAFV2Client,
  type Rule,
  type UpdateWebACLRequest,
  type WebACL,
} from '@aws-sdk/client-wafv2';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { perRegion, type ClientForRegion } from './regional.js';

export type WafRule = Rule;

export interface WebAclRef {
  name: string;
  id: string;
  /** CLOUDFRONT web ACLs live in us-east-1; REGIONAL ones in their region. */
  scope: 'CLOUDFRONT' | 'REGIONAL';
  region: string;
}

export interface WebAcl {
  ref: WebAclRef;
  rules: WafRule[];
  /** Web ACL capacity units its rules use now. */
  capacity: number;
  managedByFirewallManager: boolean;
  lockToken: string;
  /** Everything else UpdateWebACL needs sent back as it was (it replaces the whole web ACL). */
  settings: PassedThrough;
}

/**
 * UpdateWebACL replaces the web ACL whole: a setting not sent is reset to its default. So drp
 * sends back every setting GetWebACL returned, changing only the rules.
 */
const PASSED_THROUGH = [
  'DefaultAction',
  'Description',
  'VisibilityConfig',
  'DataProtectionConfig',
  'CustomResponseBodies',
  'CaptchaConfig',
  'ChallengeConfig',
  'TokenDomains',
  'AssociationConfig',
  'OnSourceDDoSProtectionConfig',
  'ApplicationConfig',
  'MonetizationConfig',
] as const satisfies readonly (keyof UpdateWebACLRequest & keyof WebACL)[];
type PassedThrough = Pick<UpdateWebACLRequest, (typeof PASSED_THROUGH)[number]>;
// A setting a newer SDK adds to UpdateWebACL and not listed above fails to compile here, rather
// than being silently reset by the next update.
type Unlisted = Exclude<
  keyof UpdateWebACLRequest,
  (typeof PASSED_THROUGH)[number] | 'Name' | 'Scope' | 'Id' | 'LockToken' | 'Rules'
>;
const everySettingPassed: [Unlisted] extends [never] ? true : Unlisted = true;
void everySettingPassed;

/** WAFv2 web ACLs: what waf-protect needs. */
export interface WafV2Port {
  /** undefined: no such web ACL. */
  getWebAcl(ref: WebAclRef): Promise<WebAcl | undefined>;
  /** Fails with WAFOptimisticLockException when the web ACL changed since `acl` was read. */
  updateWebAclRules(acl: WebAcl, rules: WafRule[]): Promise<Call>;
}

export function createWafV2Clients(settings: AwsSettings, readOnly: boolean): ClientForRegion<WAFV2Client> {
  return perRegion(settings, (s) => instrument(new WAFV2Client(clientOptions(s)), readOnly));
}

export function createWafV2Port(clientFor: ClientForRegion<WAFV2Client>): WafV2Port {
  return {
    async getWebAcl(ref) {
      try {
        const out = await clientFor(ref.region).send(
          new GetWebACLCommand({ Name: ref.name, Id: ref.id, Scope: ref.scope }),
        );
        const acl = out.WebACL;
        if (!acl) return undefined;
        const settings = Object.fromEntries(
          PASSED_THROUGH.filter((k) => acl[k] !== undefined && acl[k] !== null).map((k) => [k, acl[k]]),
        ) as PassedThrough;
        return {
          ref,
          rules: acl.Rules ?? [],
          capacity: acl.Capacity ?? 0,
          managedByFirewallManager: acl.ManagedByFirewallManager ?? false,
          lockToken: out.LockToken ?? '',
          settings,
        };
      } catch (err) {
        if (isNotFound(err, 'WAFNonexistentItemException')) return undefined;
        throw err;
      }
    },

    async updateWebAclRules(acl, rules) {
      return callOf(
        await clientFor(acl.ref.region).send(
          new UpdateWebACLCommand({
            ...acl.settings,
            Name: acl.ref.name,
            Id: acl.ref.id,
            Scope: acl.ref.scope,
            LockToken: acl.lockToken,
            Rules: rules,
          } as UpdateWebACLRequest),
        ),
      );
    },
  };
}
