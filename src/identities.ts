/**
 * The four identities drp acts through in an AWS organization built the way AWS recommends: each
 * is a role drp assumes with STS (a global flag or the config file names it), or, without one, the
 * caller's own credentials. A step declares which one it acts through (src/steps/define.ts).
 */
export const IDENTITIES = ['target', 'org', 'logs', 'evidence'] as const;
export type Identity = (typeof IDENTITIES)[number];

export interface IdentityInfo {
  /** The global flag that names its role. */
  flag: string;
  /** The config file key that names its role. */
  configKey: 'targetRoleArn' | 'orgRoleArn' | 'logsRoleArn' | 'evidenceRoleArn';
  /** The account it acts in, in AWS's multi-account guidance. */
  account: string;
  /** What drp does through it. */
  purpose: string;
}

export const IDENTITY_INFO: Record<Identity, IdentityInfo> = {
  target: {
    flag: '--target-role-arn',
    configKey: 'targetRoleArn',
    account: 'the workload account',
    purpose: 'the leaked bucket, its IAM users and roles, its CloudTrail event history',
  },
  org: {
    flag: '--org-role-arn',
    configKey: 'orgRoleArn',
    account: 'the management account (or a delegated administrator)',
    purpose: 'service control policies (and IAM Identity Center)',
  },
  logs: {
    flag: '--logs-role-arn',
    configKey: 'logsRoleArn',
    account: 'the log archive account',
    purpose: "reading the organization trail's CloudTrail log files",
  },
  evidence: {
    flag: '--evidence-role-arn',
    configKey: 'evidenceRoleArn',
    account: 'the security (forensics) account',
    purpose: 'the evidence bucket: creating it, preserving evidence into it, anchoring the journal',
  },
};

/**
 * The region where a partition's global services (IAM, STS's global endpoint, sign-in) log their
 * CloudTrail events (CloudTrail User Guide, "Understanding global service events"): us-east-1 in
 * the aws partition, the partition's own first region elsewhere.
 */
const GLOBAL_EVENT_REGION: Record<string, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
};

export const globalEventRegion = (partition: string): string => GLOBAL_EVENT_REGION[partition] ?? 'us-east-1';

/**
 * A role session's SourceIdentity: 2 to 64 of letters, digits and _+=,.@- (IAM User Guide,
 * "Monitor and control actions taken with assumed roles"), never starting with "aws:". The
 * operator's name is used as far as those allow; undefined when nothing usable is left.
 */
export function sourceIdentityOf(operator: string): string | undefined {
  const cleaned = operator.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 && !/^aws:/i.test(cleaned) ? cleaned : undefined;
}

/** The RoleSessionName of every role drp assumes for an incident: CloudTrail shows it on every call. */
export const roleSessionName = (incidentId: string) => `drp-${incidentId}`.slice(0, 64);
