import { describeError } from '../../errors.js';
import type { StepContext } from '../define.js';
import { accountsNamed, type Boundary } from './external-grants.js';
import type { Statement } from './public-policy.js';

/**
 * The boundary a restored grant may not cross: the organization (read with the run's credentials),
 * or the account when it is in none. Membership of each account a statement names is asked of
 * Organizations; a member account may not be allowed to ask (only the management account or a
 * delegated administrator may), and then the account counts as outside, which the notes say.
 */
export async function orgBoundary(ctx: StepContext, statements: Statement[]) {
  const accountId = ctx.caller.accountId;
  const notes: string[] = [];
  // Nothing names another account or an organization: no need to ask Organizations anything.
  const allows = statements.filter((s) => s.Effect === 'Allow');
  const foreign = allows.some(
    (s) => accountsNamed(s).some((a) => a !== accountId) || /orgid/i.test(JSON.stringify(s.Condition ?? {})),
  );
  if (!foreign) return { boundary: { accountId, inOrganization: () => false } as Boundary, notes };
  const { organizations } = ctx.aws;
  let org: { id: string; managementAccountId: string } | undefined;
  try {
    org = await organizations.describeOrganization();
  } catch (err) {
    const e = describeError(err);
    if (e.code !== 'AWSOrganizationsNotInUseException')
      notes.push(
        `could not read the organization (${e.code}): every account but ${accountId} counts as outside`,
      );
  }
  const members = new Map<string, boolean | undefined>();
  if (org) {
    members.set(org.managementAccountId, true);
    let denied: string | undefined;
    for (const account of new Set(statements.flatMap(accountsNamed))) {
      if (account === accountId || members.has(account)) continue;
      if (denied) {
        members.set(account, undefined);
        continue;
      }
      try {
        members.set(account, await organizations.accountExists(account));
      } catch (err) {
        denied = describeError(err).code;
        members.set(account, undefined);
      }
    }
    if (denied)
      notes.push(
        `could not tell which accounts are in organization ${org.id} (organizations:DescribeAccount: ${denied}; only its management account or a delegated administrator may ask): accounts it could not place count as outside`,
      );
  }
  const boundary: Boundary = {
    accountId,
    ...(org ? { orgId: org.id } : {}),
    inOrganization: (account) => (org ? members.get(account) : false),
  };
  return { boundary, notes };
}
