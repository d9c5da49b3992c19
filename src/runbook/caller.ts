import type { IamPort } from '../aws/iam.js';
import type { CallerIdentityRaw } from '../aws/sts.js';
import { logFailure, type Logger } from '../log.js';
import type { Caller } from '../steps/define.js';

const ASSUMED_ROLE = /^arn:(aws[a-zA-Z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

/**
 * Turns STS's view of the caller into the ARN that `aws:PrincipalArn` carries, which is what a
 * deny must exempt. For an assumed role (SSO permission sets included) that is the role's ARN
 * *with its path* (`role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_...`), which the session
 * ARN does not show, so the role is looked up. Users, federated users and root are used as is.
 */
export async function resolveCaller(
  identity: CallerIdentityRaw,
  iam: () => Promise<IamPort>,
  log: Logger,
): Promise<Caller> {
  const base = { arn: identity.arn, accountId: identity.account };
  const m = ASSUMED_ROLE.exec(identity.arn);
  if (!m) return { ...base, principalArn: identity.arn };
  const [, partition, account, roleName] = m as unknown as [string, string, string, string];
  const fallback = `arn:${partition}:iam::${account}:role/${roleName}`;
  try {
    const role = await (await iam()).getRole(roleName);
    if (role?.arn) return { ...base, principalArn: role.arn, roleName };
  } catch (err) {
    logFailure(log, 'warn', { roleName }, err, 'could not read the caller role to learn its path');
  }
  // Without the path, role/NAME alone would not match aws:PrincipalArn for a role with one (SSO
  // roles always have one): also exempt role/*/NAME. Role names are unique in an account whatever
  // their path, so the pattern matches this role and no other.
  const anyPath = `arn:${partition}:iam::${account}:role/*/${roleName}`;
  log.warn(
    { principalArn: fallback, anyPath },
    'exempting the caller role by its name under any path, since its path could not be read; pass --exempt-principal with its full ARN to be exact',
  );
  return { ...base, principalArn: fallback, roleName, alsoExempt: [anyPath] };
}
