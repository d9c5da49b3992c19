import type { AccessKey, NewAccessKey } from '../../aws/iam.js';
import type { StepContext } from '../define.js';

/** How iam-disable-access-keys marks the replacement key it issues, and recognises it on a re-run. */

/**
 * The replacement key is marked the way the IAM console stores a key's description: a user tag
 * whose key is the access key id. A re-run in the same incident then leaves that key active
 * instead of cutting off whoever was just given it. IAM tag values allow only letters, digits,
 * spaces and _.:/=+-@ (no comma).
 */
export const replacementTag = (incidentId: string) => `drp replacement key of incident ${incidentId}`;

/**
 * Written before the key is created, so a re-run recognises the replacement even when the key's
 * own tag could not be written after it (a crash, a failed TagUser): every key created at or after
 * this AWS time in this incident is the replacement. Tag keys allow the same characters as values.
 */
export const issuingTagKey = (incidentId: string) => `drp-replacement-${incidentId}`;

/** The key ids a re-run must leave active: tagged as the replacement, or created since issuing began. */
export function replacementsOf(
  keys: AccessKey[],
  tags: Record<string, string>,
  incidentId: string,
): string[] {
  const mark = replacementTag(incidentId);
  const since = tags[issuingTagKey(incidentId)];
  return keys
    .filter(
      (k) => tags[k.accessKeyId] === mark || (since && k.createDate !== undefined && k.createDate >= since),
    )
    .map((k) => k.accessKeyId);
}

/** AWS's time now, to the second below (a key's CreateDate has whole seconds): when issuing begins. */
export function issuingSince(ctx: StepContext): string {
  const clock = ctx.aws.iam.serverClock();
  // Without AWS's Date (never on AWS), a minute of margin below this machine's clock.
  const now = clock
    ? clock.serverDate.getTime() + Math.max(0, ctx.now().getTime() - clock.localDate.getTime())
    : ctx.now().getTime() - 60_000;
  return new Date(Math.floor(now / 1000) * 1000).toISOString();
}

/** The replacement key's 0600 file: the shape `aws iam create-access-key` prints. */
export const secretFileContent = (user: string, key: NewAccessKey, incidentId: string) =>
  `${JSON.stringify(
    {
      AccessKey: {
        UserName: user,
        AccessKeyId: key.accessKeyId,
        Status: 'Active',
        SecretAccessKey: key.secretAccessKey.reveal(),
        CreateDate: key.createDate,
      },
      incidentId,
    },
    null,
    2,
  )}\n`;
