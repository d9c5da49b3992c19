import type { ConfigRecorder } from '../../aws/configservice.js';

/**
 * The AWS Config managed rules `drp harden` deploys: each watches a door this incident used. Every
 * identifier, trigger, resource type and parameter is from its page in the AWS Config Developer
 * Guide (List of AWS Config Managed Rules); a wrong identifier is an InvalidParameterValueException
 * from PutConfigRule, which moto checks against the same list.
 */
export interface ManagedRule {
  identifier: string;
  /** What it watches, for the plan and the rule's description. */
  watches: string;
  /** Periodic rules run every 24 hours; change-triggered ones on each recorded change. */
  trigger: 'periodic' | 'changes' | 'changes-and-periodic';
  /** The resource types it evaluates: the recorder must record them for a change-triggered rule. */
  resourceTypes: string[];
  /** The parameters the rule takes (all optional for these rules). */
  parameters: string[];
  doc: string;
}

const GUIDE = 'https://docs.aws.amazon.com/config/latest/developerguide';

export const MANAGED_RULES: readonly ManagedRule[] = [
  {
    identifier: 'IAM_USER_MFA_ENABLED',
    watches: 'IAM users without MFA (the leaked keys belonged to one)',
    trigger: 'periodic',
    resourceTypes: ['AWS::IAM::User'],
    parameters: [],
    doc: `${GUIDE}/iam-user-mfa-enabled.html`,
  },
  {
    identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
    watches: 'buckets that allow public write (synthetic media injected from outside)',
    trigger: 'changes-and-periodic',
    resourceTypes: ['AWS::S3::Bucket'],
    parameters: [],
    doc: `${GUIDE}/s3-bucket-public-write-prohibited.html`,
  },
  {
    identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
    watches: 'buckets that allow public read (the leak itself)',
    trigger: 'changes-and-periodic',
    resourceTypes: ['AWS::S3::Bucket'],
    parameters: [],
    doc: `${GUIDE}/s3-bucket-public-read-prohibited.html`,
  },
  {
    identifier: 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED',
    watches: 'whether a trail records S3 data events for the bucket (who read and wrote which object)',
    trigger: 'periodic',
    resourceTypes: [],
    parameters: ['S3BucketNames'],
    doc: `${GUIDE}/cloudtrail-s3-dataevents-enabled.html`,
  },
  {
    identifier: 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
    watches: 'Lambda functions whose resource policy allows public invocation',
    trigger: 'changes',
    resourceTypes: ['AWS::Lambda::Function'],
    parameters: [],
    doc: `${GUIDE}/lambda-function-public-access-prohibited.html`,
  },
  {
    identifier: 'API_GW_ASSOCIATED_WITH_WAF',
    watches: 'API Gateway stages without an AWS WAF web ACL (media served or uploaded unfiltered)',
    trigger: 'changes',
    resourceTypes: ['AWS::ApiGateway::Stage'],
    parameters: ['WebAclArns'],
    doc: `${GUIDE}/api-gw-associated-with-waf.html`,
  },
];

export const MANAGED_RULE_IDS = MANAGED_RULES.map((r) => r.identifier);

export const findRule = (identifier: string) => MANAGED_RULES.find((r) => r.identifier === identifier);

/** drp's name for its rule: one per account and region, whatever the incident (rules are posture). */
export const ruleName = (identifier: string) => `drp-${identifier.toLowerCase().replace(/_/g, '-')}`;

const GLOBAL_IAM_TYPES = new Set(['AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group', 'AWS::IAM::Policy']);

/** Whether a recorder records a resource type (a change-triggered rule sees nothing it does not record). */
export function records(recorder: ConfigRecorder, type: string): boolean {
  if (recorder.excludedResourceTypes.includes(type)) return false;
  if (recorder.resourceTypes.includes(type)) return true;
  if (!recorder.allSupported) return false;
  return !GLOBAL_IAM_TYPES.has(type) || recorder.includeGlobalResourceTypes;
}

/** The commands that give a region a configuration recorder, for the finding when there is none. */
export const recorderFix = (region: string, accountId: string, partition: string) =>
  [
    'aws iam create-service-linked-role --aws-service-name config.amazonaws.com (once per account)',
    `aws configservice put-configuration-recorder --region ${region} --configuration-recorder name=default,roleARN=arn:${partition}:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig --recording-group allSupported=true,includeGlobalResourceTypes=true`,
    `aws configservice put-delivery-channel --region ${region} --delivery-channel name=default,s3BucketName=YOUR-CONFIG-BUCKET`,
    `aws configservice start-configuration-recorder --region ${region} --configuration-recorder-name default`,
  ].join('; then ');

/** The rule as drp puts it (PutConfigRule's input), and as its restore recognises it. */
export interface DesiredRule {
  name: string;
  identifier: string;
  inputParameters: Record<string, string>;
  complianceResourceTypes: string[];
  maximumExecutionFrequency?: 'TwentyFour_Hours';
}

export function desiredRule(
  rule: ManagedRule,
  inputs: { bucket: string; webAclArns: string[] },
): DesiredRule {
  const inputParameters: Record<string, string> = {};
  if (rule.parameters.includes('S3BucketNames')) inputParameters.S3BucketNames = inputs.bucket;
  if (rule.parameters.includes('WebAclArns') && inputs.webAclArns.length)
    inputParameters.WebAclArns = inputs.webAclArns.join(',');
  return {
    name: ruleName(rule.identifier),
    identifier: rule.identifier,
    inputParameters,
    // A change-triggered rule is scoped to its resource types; a periodic one runs daily.
    complianceResourceTypes: rule.trigger === 'periodic' ? [] : rule.resourceTypes,
    ...(rule.trigger === 'periodic' ? { maximumExecutionFrequency: 'TwentyFour_Hours' as const } : {}),
  };
}

const sorted = (a: string[]) => [...a].sort();

/** Whether a live rule is the one drp put (its source, parameters and scope). */
export function isSameRule(
  live: {
    sourceIdentifier: string;
    inputParameters: Record<string, string>;
    complianceResourceTypes: string[];
  },
  desired: DesiredRule,
): boolean {
  return (
    live.sourceIdentifier === desired.identifier &&
    JSON.stringify(Object.entries(live.inputParameters).sort()) ===
      JSON.stringify(Object.entries(desired.inputParameters).sort()) &&
    JSON.stringify(sorted(live.complianceResourceTypes)) ===
      JSON.stringify(sorted(desired.complianceResourceTypes))
  );
}
