import type { S3Port } from '../aws/s3.js';
import { formatError } from '../errors.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { ready, stepsOfType, verdictFor, type Check } from './check.js';

/**
 * The evidence bucket as the evidence-bucket step will find it, read as the evidence identity.
 * Missing: the step creates it (with Object Lock and a default retention), a gap only because the
 * first minutes of an incident then depend on s3:CreateBucket. Without Object Lock: the step
 * refuses it, and every preservation step after it has nowhere to write.
 */
export async function checkEvidenceBucket(
  s3: S3Port,
  runbook: LoadedRunbook,
  bucket: string,
  region: string,
): Promise<Check[]> {
  const steps = stepsOfType(runbook, 'evidence-bucket').map((s) => s.id);
  if (steps.length === 0) return [];
  const on = { steps, identity: 'evidence' as const };
  const name = `evidence bucket ${bucket}`;
  const create = `aws s3api create-bucket --bucket ${bucket} --object-lock-enabled-for-bucket${region === 'us-east-1' ? '' : ` --create-bucket-configuration LocationConstraint=${region}`} && aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":365}}}'`;
  let exists: boolean;
  try {
    exists = (await s3.bucketRegion(bucket)) !== undefined;
  } catch (err) {
    return [
      {
        group: 'evidence',
        name,
        verdict: verdictFor(runbook, steps),
        detail: `cannot be read: ${formatError(err)}`,
        fix: `let the evidence identity (--evidence-role-arn) read s3://${bucket}, or name another bucket with --evidence-bucket`,
        ...on,
      },
    ];
  }
  if (!exists)
    return [
      {
        group: 'evidence',
        name,
        verdict: 'gap',
        detail: `does not exist: the ${steps[0]} step creates it during the incident, if s3:CreateBucket is allowed`,
        fix: create,
        ...on,
      },
    ];
  const lock = await s3.getEvidenceBucketLock(bucket);
  if (!lock?.enabled)
    return [
      {
        group: 'evidence',
        name,
        verdict: verdictFor(runbook, steps),
        detail:
          'exists without Object Lock: the evidence-bucket step refuses it, and no evidence is preserved',
        fix: `aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":365}}}' (S3 allows it on a versioned bucket), or name another bucket with --evidence-bucket`,
        ...on,
      },
    ];
  const r = lock.defaultRetention;
  if (!r)
    return [
      {
        group: 'evidence',
        name,
        verdict: 'gap',
        detail:
          'Object Lock on, no default retention: evidence objects are locked only where drp sets a retention on them',
        fix: `aws s3api put-object-lock-configuration --bucket ${bucket} --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":365}}}'`,
        ...on,
      },
    ];
  return [
    ready(
      'evidence',
      name,
      `Object Lock on, default retention ${r.mode} ${r.days ? `${r.days} days` : `${r.years} years`}`,
      on,
    ),
  ];
}
