import type { StepContext } from '../../define.js';
import { MAX_POLICY_BYTES, parse, PolicyTooLarge, sameMeaning, type Statement } from '../bucket-policy.js';
import { partitionOf } from '../../../names.js';

/**
 * What CloudWatch Logs needs to write an export into the evidence bucket (CloudWatch Logs User
 * Guide, "Export log data to Amazon S3"): the logs service principal of the region may read the
 * bucket's ACL and put objects, with bucket-owner-full-control. drp narrows it to this account's
 * log groups (aws:SourceAccount, aws:SourceArn) and to this incident's export prefix. S3 calls a
 * statement to a service principal non-public, so Block Public Access does not refuse it.
 */
export function exportStatements(ctx: StepContext, bucket: string, exportRoot: string): Statement[] {
  const partition = partitionOf(ctx.caller.arn);
  const account = ctx.caller.accountId;
  const principal = { Service: `logs.${ctx.region}.amazonaws.com` };
  const source = {
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${ctx.region}:${account}:log-group:*` },
  };
  const sid = ctx.incidentId.replace(/[^A-Za-z0-9]/g, '');
  return [
    {
      Sid: `DrpLogsExportAcl${sid}`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:GetBucketAcl',
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: source,
    },
    {
      Sid: `DrpLogsExportWrite${sid}`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: `arn:${partition}:s3:::${bucket}/${exportRoot}*`,
      Condition: {
        ...source,
        StringEquals: { ...source.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
      },
    },
  ];
}

/** The policy with the export statements in it (each replacing its own Sid), or unchanged. */
export function withExportStatements(bucket: string, policy: string | null, add: Statement[]) {
  const doc = parse(bucket, policy);
  const statements = doc.Statement === undefined ? [] : [doc.Statement].flat();
  if (add.every((a) => statements.some((s) => s.Sid === a.Sid && sameMeaning(s, a))))
    return { unchanged: true as const };
  for (const a of add) {
    const at = statements.findIndex((s) => s.Sid === a.Sid);
    if (at >= 0) statements[at] = a;
    else statements.push(a);
  }
  const text = JSON.stringify({ ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES)
    throw new PolicyTooLarge(
      `the bucket policy of s3://${bucket} would be ${bytes} bytes with the CloudWatch Logs export statements, over S3's 20 KB limit: nothing was sent`,
    );
  return { unchanged: false as const, text };
}
