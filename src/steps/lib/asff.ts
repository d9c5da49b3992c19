import { createHash } from 'node:crypto';
import type { AwsSecurityFinding } from '../../aws/securityhub.js';
import type { StepContext } from '../define.js';
import { incidentPrefix, s3Uri } from './preservation/layout.js';
import { partitionOf } from '../../names.js';

/**
 * drp's findings in the AWS Security Finding Format. Required fields (Security Hub User Guide,
 * "Required top-level ASFF attributes"): SchemaVersion, Id, ProductArn, GeneratorId,
 * AwsAccountId, Types, CreatedAt, UpdatedAt, Severity, Title, Description, Resources. Ids are
 * derived from the incident, so a re-run imports the same findings again (an update: UpdatedAt
 * moves, CreatedAt stays); a finding provider's later changes to Severity and Types go through
 * FindingProviderFields, and Workflow and Note are the SOC's (BatchImportFindings ignores them
 * after creation).
 */

export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const SCHEMA_VERSION = '2018-10-08';
const GENERATOR = 'drp/incident-response';
/** ASFF's limits: Title 256 characters, Description 1024, a ProductFields value 2048, 32 resources. */
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 1024;
const FIELD_MAX = 2048;
const RESOURCES_MAX = 32;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** arn:<partition>:securityhub:<region>:<account>:product/<account>/default: an account's own findings. */
export const productArnOf = (ctx: StepContext) =>
  `arn:${partitionOf(ctx.caller.arn)}:securityhub:${ctx.region}:${ctx.caller.accountId}:product/${ctx.caller.accountId}/default`;

export const incidentFindingId = (incidentId: string) => `drp/${incidentId}/incident`;

export interface Contained {
  bucket?: string;
  users: string[];
  roles: string[];
  functions: string[];
  vpcs: string[];
}

type Resource = NonNullable<AwsSecurityFinding['Resources']>[number];

export function resourcesOf(ctx: StepContext, c: Contained): Resource[] {
  const p = partitionOf(ctx.caller.arn);
  const account = ctx.caller.accountId;
  const at = { Partition: p as Resource['Partition'], Region: ctx.region };
  const resources: Resource[] = [
    ...(c.bucket ? [{ Type: 'AwsS3Bucket', Id: `arn:${p}:s3:::${c.bucket}`, ...at }] : []),
    ...c.users.map((u) => ({ Type: 'AwsIamUser', Id: `arn:${p}:iam::${account}:user/${u}`, ...at })),
    ...c.roles.map((r) => ({ Type: 'AwsIamRole', Id: `arn:${p}:iam::${account}:role/${r}`, ...at })),
    // The SCP takes patterns; a resource is one function.
    ...c.functions.filter((f) => !/[*?]/.test(f)).map((f) => ({ Type: 'AwsLambdaFunction', Id: f, ...at })),
    ...c.vpcs.map((v) => ({
      Type: 'AwsEc2Vpc',
      Id: `arn:${p}:ec2:${ctx.region}:${account}:vpc/${v}`,
      ...at,
    })),
  ];
  // Security Hub requires at least one resource: an incident naming none is about the account.
  return resources.length
    ? resources.slice(0, RESOURCES_MAX)
    : [{ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, ...at }];
}

interface Common {
  id: string;
  createdAt: string;
  now: string;
  severity: SeverityLabel;
  types: string[];
  title: string;
  description: string;
  resources: Resource[];
  fields: Record<string, string>;
}

function finding(ctx: StepContext, c: Common): AwsSecurityFinding {
  return {
    SchemaVersion: SCHEMA_VERSION,
    Id: c.id,
    ProductArn: productArnOf(ctx),
    GeneratorId: GENERATOR,
    AwsAccountId: ctx.caller.accountId,
    Region: ctx.region,
    Types: c.types,
    CreatedAt: c.createdAt,
    UpdatedAt: c.now,
    Severity: { Label: c.severity },
    FindingProviderFields: { Severity: { Label: c.severity }, Types: c.types },
    Title: cut(c.title, TITLE_MAX),
    Description: cut(c.description, DESCRIPTION_MAX),
    Resources: c.resources,
    RecordState: 'ACTIVE',
    ProductFields: Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, cut(v, FIELD_MAX)])),
    Remediation: {
      Recommendation: {
        Text: cut(
          `Read drp's incident report (drp report on the journal ${c.fields['drp/JournalId'] ?? ''}); when the incident is closed, drp restore lifts the containment and resolves this finding.`,
          512,
        ),
      },
    },
  };
}

export interface IncidentFacts {
  contained: Contained;
  severity: SeverityLabel;
  createdAt: string;
  /** One line per earlier step: what it did. */
  done: string[];
  journal?: { id: string; head: string; entries: number };
}

export function incidentFinding(ctx: StepContext, facts: IncidentFacts): AwsSecurityFinding {
  const evidence = s3Uri(ctx.settings.evidenceBucket, incidentPrefix(ctx.incidentId));
  const subject = facts.contained.bucket
    ? `s3://${facts.contained.bucket}`
    : `account ${ctx.caller.accountId}`;
  const head = facts.journal
    ? ` Journal ${facts.journal.id}, head ${facts.journal.head} (${facts.journal.entries} entries).`
    : '';
  return finding(ctx, {
    id: incidentFindingId(ctx.incidentId),
    createdAt: facts.createdAt,
    now: ctx.now().toISOString(),
    severity: facts.severity,
    types: ['Effects/Data Exposure'],
    title: `drp incident ${ctx.incidentId}: synthetic media leak of ${subject}`,
    description: `drp responded to incident ${ctx.incidentId}. Evidence: ${evidence} (Object Lock, legal holds).${head} Done: ${facts.done.join('; ') || 'nothing yet'}.`,
    resources: resourcesOf(ctx, facts.contained),
    fields: {
      'drp/IncidentId': ctx.incidentId,
      'drp/EvidenceLocation': evidence,
      ...(facts.journal
        ? {
            'drp/JournalId': facts.journal.id,
            'drp/JournalHead': facts.journal.head,
            'drp/JournalEntries': String(facts.journal.entries),
          }
        : {}),
      'drp/Steps': facts.done.join('; '),
    },
  });
}

/** One scan finding (an image version a scan flagged): its id hashes the version, which keys may not fit. */
export function scanFinding(
  ctx: StepContext,
  record: Record<string, unknown>,
  severity: SeverityLabel,
  createdAt: string,
): AwsSecurityFinding {
  const bucket = String(record.bucket);
  const key = String(record.key);
  const versionId = String(record.versionId);
  const digest = createHash('sha256').update(`${bucket}\n${key}\n${versionId}`).digest('hex').slice(0, 32);
  const labels = Array.isArray(record.labels)
    ? (record.labels as { name?: string; confidence?: number }[])
        .map((l) =>
          `${l.name ?? '?'} ${typeof l.confidence === 'number' ? l.confidence.toFixed(1) : ''}`.trim(),
        )
        .join(', ')
    : '';
  const why = labels || (typeof record.reason === 'string' ? record.reason : 'flagged by the scan');
  const p = partitionOf(ctx.caller.arn);
  return finding(ctx, {
    id: `drp/${ctx.incidentId}/scan/${digest}`,
    createdAt,
    now: ctx.now().toISOString(),
    severity,
    types: ['Unusual Behaviors/Data/Synthetic or unsafe media'],
    title: `Synthetic or unsafe image: ${s3Uri(bucket, key)}`,
    description: `drp's scan of incident ${ctx.incidentId} flagged version ${versionId} of ${s3Uri(bucket, key)}: ${why}.`,
    resources: [
      {
        Type: 'AwsS3Object',
        Id: `arn:${p}:s3:::${bucket}/${key}`,
        Partition: p as Resource['Partition'],
        Region: ctx.region,
      },
    ],
    fields: { 'drp/IncidentId': ctx.incidentId, 'drp/VersionId': versionId },
  });
}
