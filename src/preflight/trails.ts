import type { CloudTrailPort, Trail } from '../aws/cloudtrail.js';
import type { S3Port } from '../aws/s3.js';
import { formatError } from '../errors.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { s3DataEvents, trailsCovering } from '../steps/lib/preservation/trails.js';
import { ready, stepsOfType, type Check } from './check.js';

const dataEventSelector = (bucket: string, partition: string) =>
  JSON.stringify([
    {
      Name: `S3 data events of ${bucket}`,
      FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'resources.ARN', StartsWith: [`arn:${partition}:s3:::${bucket}/`] },
      ],
    },
  ]);

/**
 * Whether CloudTrail will hold the evidence of this bucket: a trail covering its region that is
 * logging, multi-region, with log file validation and the bucket's S3 data events (without them
 * nobody can say who downloaded what); and the bucket's server access logs. Every miss is a gap:
 * containment still works, the evidence is what suffers.
 */
export async function checkTrails(
  cloudtrail: CloudTrailPort,
  s3: S3Port,
  runbook: LoadedRunbook,
  bucket: string,
  region: string,
  partition: string,
): Promise<Check[]> {
  const steps = stepsOfType(runbook, 'cloudtrail-status', 'preserve-cloudtrail-logs').map((s) => s.id);
  const on = { steps, identity: 'target' as const };
  const gap = (name: string, detail: string, fix: string): Check => ({
    group: 'evidence',
    name,
    verdict: 'gap',
    detail,
    fix,
    ...on,
  });
  const trails = trailsCovering(await cloudtrail.describeTrails(), region);
  if (trails.length === 0)
    return [
      gap(
        `trail in ${region}`,
        `no CloudTrail trail covers ${region}: only 90 days of management events, and no S3 data events of ${bucket}`,
        `aws cloudtrail create-trail --name drp-trail --s3-bucket-name LOG_BUCKET --is-multi-region-trail --enable-log-file-validation && aws cloudtrail start-logging --name drp-trail (then the data events below)`,
      ),
      ...(await accessLogging(s3, runbook, bucket)),
    ];
  const inspected = await Promise.all(
    trails.map(async (t) => {
      try {
        const [status, selectors] = await Promise.all([
          cloudtrail.getTrailStatus(t.arn),
          cloudtrail.getEventSelectors(t.arn),
        ]);
        return {
          ...t,
          logging: status.isLogging,
          data: s3DataEvents(selectors, bucket, partition),
          error: undefined as string | undefined,
        };
      } catch (err) {
        return { ...t, logging: false, error: formatError(err), data: undefined };
      }
    }),
  );
  const names = (list: Trail[]) => list.map((t) => t.name).join(', ');
  const logging = inspected.filter((t) => t.logging);
  const first = (logging[0] ?? inspected[0])!;
  const checks: Check[] = [];
  checks.push(
    logging.length
      ? ready('evidence', `trail logging in ${region}`, `${names(logging)} logging`, on)
      : gap(
          `trail logging in ${region}`,
          `${names(inspected)} not logging${inspected.some((t) => t.error) ? ` (${inspected.find((t) => t.error)?.error})` : ''}`,
          `aws cloudtrail start-logging --name ${first.arn}`,
        ),
  );
  const multi = logging.filter((t) => t.multiRegion);
  checks.push(
    multi.length
      ? ready('evidence', 'multi-region trail', `${names(multi)}`, on)
      : gap(
          'multi-region trail',
          'no logging trail is multi-region: events in other regions (a copy of the data elsewhere) are not recorded',
          `aws cloudtrail update-trail --name ${first.arn} --is-multi-region-trail`,
        ),
  );
  const validated = logging.filter((t) => t.logFileValidation);
  checks.push(
    validated.length
      ? ready('evidence', 'log file validation', `${names(validated)}`, on)
      : gap(
          'log file validation',
          'off on every logging trail: its log files cannot be proven unaltered',
          `aws cloudtrail update-trail --name ${first.arn} --enable-log-file-validation`,
        ),
  );
  const all = logging.filter((t) => t.data?.coverage === 'all');
  const some = logging.filter((t) => t.data?.coverage === 'some');
  checks.push(
    all.length
      ? ready('evidence', `S3 data events of ${bucket}`, `${names(all)}: ${all[0]!.data!.detail}`, on)
      : gap(
          `S3 data events of ${bucket}`,
          some.length
            ? `only some: ${some.map((t) => `${t.name}: ${t.data!.detail}`).join('; ')}`
            : 'no logging trail records them: who read or wrote which object will not be in CloudTrail',
          `aws cloudtrail put-event-selectors --trail-name ${first.arn} --advanced-event-selectors '${dataEventSelector(bucket, partition)}' (this replaces the trail's selectors: add its current ones, from get-event-selectors, to the list)`,
        ),
  );
  return [...checks, ...(await accessLogging(s3, runbook, bucket))];
}

async function accessLogging(s3: S3Port, runbook: LoadedRunbook, bucket: string): Promise<Check[]> {
  const steps = stepsOfType(runbook, 'preserve-access-logs').map((s) => s.id);
  const logging = await s3.getAccessLogging(bucket);
  return [
    logging
      ? ready(
          'evidence',
          `server access logs of ${bucket}`,
          `to s3://${logging.targetBucket}/${logging.targetPrefix}`,
          {
            steps,
            identity: 'target',
          },
        )
      : {
          group: 'evidence',
          name: `server access logs of ${bucket}`,
          verdict: 'gap',
          detail: 'off: no record of anonymous or presigned reads besides CloudTrail data events',
          fix: `aws s3api put-bucket-logging --bucket ${bucket} --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"LOG_BUCKET","TargetPrefix":"${bucket}/"}}'`,
          steps,
          identity: 'target',
        },
  ];
}
