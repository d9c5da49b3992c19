import { type CloudTrailRecord, ruleFor, type Subject } from './persistence-events.js';

/** One persistence event, as the summary, the report and the findings artefact show it. */
export interface PersistenceFinding {
  eventId: string;
  time: string;
  event: string;
  source: string;
  region?: string;
  /** Who did it: the principal's ARN (or user name), and the access key it signed with. */
  who: string;
  accessKeyId?: string;
  sourceIp?: string;
  why: string;
  subject?: Subject;
  /** AWS refused it (errorCode): an attempt, not a change. */
  refused?: string;
  /** What to do: the drp command that would contain what it touched, or what to review. */
  next: string;
}

export interface FindingContext {
  /** The run's bucket, for the drp command. */
  bucket: string;
  accountId: string;
  partition: string;
  /** The users and roles this run contains already. */
  users: readonly string[];
  roles: readonly string[];
}

function functionArn(name: string, e: CloudTrailRecord, c: FindingContext): string {
  if (name.startsWith('arn:')) return name.replace(/:(\$LATEST|\d+)$/, '');
  const account = e.recipientAccountId ?? c.accountId;
  return `arn:${c.partition}:lambda:${e.awsRegion ?? 'us-east-1'}:${account}:function:${name}`;
}

function nextFor(s: Subject | undefined, e: CloudTrailRecord, c: FindingContext): string {
  const contain = (flag: string) => `drp contain --bucket ${c.bucket} ${flag}`;
  if (!s) return `review the event ${e.eventID ?? ''} in CloudTrail`;
  switch (s.kind) {
    case 'user':
      return c.users.includes(s.name)
        ? `user ${s.name} is contained by this run`
        : contain(`--user ${s.name}`);
    case 'role':
      return c.roles.includes(s.name)
        ? `role ${s.name} is contained by this run`
        : contain(`--role ${s.name}`);
    case 'bucket':
      return s.name === c.bucket
        ? 'the leaked bucket, contained by this run'
        : `drp contain --bucket ${s.name}`;
    case 'function':
      return contain(`--function ${functionArn(s.name, e, c)}`);
    case 'group':
      return `review group ${s.name} (aws iam list-group-policies, list-attached-group-policies --group-name ${s.name}); contain its members with --user`;
    case 'policy':
      return `review ${s.name} (aws iam list-policy-versions --policy-arn ${s.name}): drp does not change managed policies`;
    default:
      return `review ${s.name} (${e.eventSource ?? 'AWS'})`;
  }
}

/** The finding an event makes, or undefined when it is not a persistence event. */
export function findingOf(e: CloudTrailRecord, c: FindingContext): PersistenceFinding | undefined {
  const rule = ruleFor(e);
  if (!rule) return undefined;
  const subject = rule.subject(e.requestParameters ?? {}, e);
  const who = e.userIdentity?.arn ?? e.userIdentity?.userName ?? 'unknown principal';
  return {
    eventId: e.eventID ?? '',
    time: e.eventTime ?? '',
    event: e.eventName ?? '',
    source: e.eventSource ?? '',
    ...(e.awsRegion ? { region: e.awsRegion } : {}),
    who,
    ...(e.userIdentity?.accessKeyId ? { accessKeyId: e.userIdentity.accessKeyId } : {}),
    ...(e.sourceIPAddress ? { sourceIp: e.sourceIPAddress } : {}),
    why: rule.why,
    ...(subject ? { subject } : {}),
    ...(e.errorCode ? { refused: e.errorCode } : {}),
    next: e.errorCode ? 'nothing changed (AWS refused it); it shows intent' : nextFor(subject, e, c),
  };
}

/** One line for the summary and the report. */
export function findingLine(f: PersistenceFinding): string {
  const on = f.subject ? ` on ${f.subject.kind} ${f.subject.name}` : '';
  const refused = f.refused ? ` (refused: ${f.refused})` : '';
  const key = f.accessKeyId ? ` with ${f.accessKeyId}` : '';
  return `persistence: ${f.time} ${f.who}${key} ${f.event}${on}${refused}: ${f.why}. Next: ${f.next}`;
}

/** Temporary access keys a session-minting event handed out: their own events are looked up by AccessKeyId. */
export function mintedKeyOf(e: CloudTrailRecord): string | undefined {
  if (e.errorCode) return undefined;
  const credentials = (e.responseElements as { credentials?: { accessKeyId?: unknown } } | null | undefined)
    ?.credentials;
  const id = credentials?.accessKeyId;
  return typeof id === 'string' && id ? id : undefined;
}
