import type { S3Port } from '../aws/s3.js';
import { formatError } from '../errors.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { plural } from '../text.js';
import { ready, stepsOfType, verdictFor, type Check } from './check.js';

/** A step param's value as the runbook gives it: a literal, or a param's default through `${{ params.X }}`. */
export function paramOf(runbook: LoadedRunbook, stepType: string, name: string): unknown {
  const raw = stepsOfType(runbook, stepType)[0]?.with[name];
  const ref = typeof raw === 'string' ? /^\$\{\{\s*params\.(\w+)\s*\}\}$/.exec(raw)?.[1] : undefined;
  return ref ? runbook.runbook.params[ref]?.default : raw;
}

/** Counts versions and delete markers, stopping once past `limit` (a page of 1,000 at a time). */
async function countVersions(s3: S3Port, bucket: string, limit: number): Promise<number> {
  let count = 0;
  for await (const page of s3.listObjectVersions(bucket)) {
    count += page.length;
    if (count > limit) break;
  }
  return count;
}

/**
 * The leaked bucket as the containment steps will find it: it exists (and drp may see it),
 * versioning (Object Lock needs it, and only versions kept can be held), Object Lock, and how many
 * versions the legal holds face (above batchThreshold: an S3 Batch Operations job and its role).
 */
export async function checkBucket(
  s3: S3Port,
  runbook: LoadedRunbook,
  bucket: string,
): Promise<{ checks: Check[]; region?: string }> {
  const lockSteps = stepsOfType(runbook, 's3-object-lock', 's3-legal-holds').map((s) => s.id);
  const on = { steps: lockSteps, identity: 'target' as const };
  let region: string | undefined;
  try {
    region = await s3.bucketRegion(bucket);
  } catch (err) {
    return {
      checks: [
        {
          group: 'bucket',
          name: bucket,
          verdict: 'blocked',
          detail: `cannot be read: ${formatError(err)}`,
          fix: `let the target identity call s3:ListBucket on arn:aws:s3:::${bucket} (drp permissions RUNBOOK)`,
          identity: 'target',
        },
      ],
    };
  }
  if (!region)
    return {
      checks: [
        {
          group: 'bucket',
          name: bucket,
          verdict: 'blocked',
          detail: 'no such bucket in this partition',
          fix: `check the name (aws s3api head-bucket --bucket ${bucket}), and the account of --target-role-arn`,
          identity: 'target',
        },
      ],
    };
  const checks: Check[] = [ready('bucket', bucket, `exists, in ${region}`, { identity: 'target' })];
  const [versioning, lock] = await Promise.all([
    s3.getVersioning(bucket),
    s3.getObjectLockConfiguration(bucket),
  ]);
  checks.push(
    versioning?.status === 'Enabled'
      ? ready('bucket', `${bucket} versioning`, 'enabled', on)
      : {
          group: 'bucket',
          name: `${bucket} versioning`,
          verdict: 'gap',
          detail: `${versioning ? 'suspended' : 'never enabled'}: the object-lock step turns it on, but every overwrite or delete before then is gone for good`,
          fix: `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
          ...on,
        },
  );
  checks.push(
    ready(
      'bucket',
      `${bucket} Object Lock`,
      lock?.enabled
        ? `enabled${lock.mode ? `, default retention ${lock.mode} ${lock.days ?? lock.years} ${lock.days ? 'days' : 'years'}` : ', no default retention'}`
        : 'off: the object-lock step turns it on (S3 allows it on a versioned bucket)',
      on,
    ),
  );
  const threshold = Number(paramOf(runbook, 's3-legal-holds', 'batchThreshold') ?? 100_000);
  const batchRole = String(paramOf(runbook, 's3-legal-holds', 'batchRoleArn') ?? '');
  const holds = stepsOfType(runbook, 's3-legal-holds').map((s) => s.id);
  if (holds.length === 0) return { checks, region };
  const count = await countVersions(s3, bucket, threshold);
  if (count <= threshold)
    checks.push(
      ready(
        'bucket',
        `${bucket} versions`,
        `${plural(count, 'version')} (delete markers included): one legal hold each, under the batch threshold of ${threshold.toLocaleString('en-US')}`,
        { steps: holds, identity: 'target' },
      ),
    );
  else
    checks.push({
      group: 'bucket',
      name: `${bucket} versions`,
      verdict: batchRole ? 'ready' : verdictFor(runbook, holds),
      detail: `more than ${plural(threshold, 'version')}: the legal holds go through an S3 Batch Operations job${batchRole ? `, run by ${batchRole}` : ', and no batchRoleArn is given'}`,
      ...(batchRole
        ? {}
        : {
            fix: `create the role (drp permissions ${runbook.runbook.name} --service-roles) and pass it: drp contain --batch-role-arn ARN`,
          }),
      steps: holds,
      identity: 'target',
    });
  return { checks, region };
}
