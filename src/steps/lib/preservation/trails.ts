import type { Trail, TrailSelectors } from '../../../aws/cloudtrail.js';

/** The trails that record events of `region`: its own trails and every multi-region trail. */
export const trailsCovering = (trails: Trail[], region: string) =>
  trails.filter((t) => t.multiRegion || t.homeRegion === region);

/**
 * Whether a trail records S3 data events (object-level GetObject, PutObject, ...) for a bucket:
 * `all` of them, `some` (a key prefix, only reads or only writes, some event names), or `none`.
 * Management events never show who downloaded an object: without data events, a leak's reads
 * are not in CloudTrail at all.
 */
export interface DataEventCoverage {
  coverage: 'all' | 'some' | 'none';
  detail: string;
}

/** A bucket's objects, in the partition the trail is in (aws, aws-cn, aws-us-gov). */
const objectArn = (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}/`;

function basic(
  selectors: TrailSelectors['eventSelectors'],
  bucket: string,
  partition: string,
): DataEventCoverage[] {
  const mine = objectArn(partition, bucket);
  const everyBucket = [`arn:${partition}:s3`, `arn:${partition}:s3:::`];
  return selectors.flatMap((s) =>
    (s.DataResources ?? [])
      .filter((r) => r.Type === 'AWS::S3::Object')
      .flatMap((r) => {
        const values = r.Values ?? [];
        const whole = values.some((v) => everyBucket.includes(v) || v === mine);
        const part = values.some((v) => v.startsWith(mine) && v !== mine);
        if (!whole && !part) return [];
        const rw = s.ReadWriteType ?? 'All';
        return [
          {
            coverage: whole && rw === 'All' ? ('all' as const) : ('some' as const),
            detail: `event selector: ${whole ? 'every object' : 'a key prefix'}, ${rw}`,
          },
        ];
      }),
  );
}

function advanced(
  selectors: TrailSelectors['advancedEventSelectors'],
  bucket: string,
  partition: string,
): DataEventCoverage[] {
  const mine = objectArn(partition, bucket);
  return selectors.flatMap((s) => {
    const field = (name: string) => s.FieldSelectors?.find((f) => f.Field === name);
    if (!field('eventCategory')?.Equals?.includes('Data')) return [];
    if (!field('resources.type')?.Equals?.includes('AWS::S3::Object')) return [];
    const arn = field('resources.ARN');
    let whole = true;
    if (arn) {
      const excluded =
        (arn.NotStartsWith ?? []).some((v) => mine.startsWith(v)) ||
        (arn.NotEquals ?? []).some((v) => v === mine);
      const wholeMatch = (arn.StartsWith ?? []).some((v) => mine.startsWith(v));
      const partMatch =
        (arn.StartsWith ?? []).some((v) => v.startsWith(mine)) ||
        (arn.Equals ?? []).some((v) => v.startsWith(mine));
      const onlyExclusions = !arn.StartsWith?.length && !arn.Equals?.length;
      if (excluded || (!wholeMatch && !partMatch && !onlyExclusions)) return [];
      whole = wholeMatch || onlyExclusions;
    }
    const readOnly = field('readOnly')?.Equals?.[0];
    const filtered = Boolean(field('eventName') || field('eventSource') || readOnly);
    const rw = readOnly === 'true' ? 'reads only' : readOnly === 'false' ? 'writes only' : 'reads and writes';
    return [
      {
        coverage: whole && !filtered ? ('all' as const) : ('some' as const),
        detail: `advanced selector "${s.Name ?? ''}": ${whole ? 'every object' : 'some keys'}, ${rw}${field('eventName') ? ', some event names' : ''}`,
      },
    ];
  });
}

export function s3DataEvents(
  selectors: TrailSelectors,
  bucket: string,
  partition: string,
): DataEventCoverage {
  const found = [
    ...basic(selectors.eventSelectors, bucket, partition),
    ...advanced(selectors.advancedEventSelectors, bucket, partition),
  ];
  if (found.length === 0)
    return { coverage: 'none', detail: 'no selector records S3 data events for this bucket' };
  const best = found.find((f) => f.coverage === 'all') ?? found[0]!;
  return { coverage: best.coverage, detail: found.map((f) => f.detail).join('; ') };
}
