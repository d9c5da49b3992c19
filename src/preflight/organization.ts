import type { OrganizationsPort } from '../aws/organizations.js';
import { formatError } from '../errors.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { ready, stepsOfType, verdictFor, type Check } from './check.js';

const errorName = (err: unknown) => (err instanceof Error ? err.name : '');

/**
 * What the SCP step needs from AWS Organizations, read as the org identity: an organization with
 * all features, the SCP policy type enabled on its root, and the workload account a member that is
 * not the management account (SCPs never restrict the management account).
 */
export async function checkOrganization(
  org: OrganizationsPort,
  runbook: LoadedRunbook,
  targetAccountId: string,
): Promise<Check[]> {
  const steps = stepsOfType(runbook, 'org-scp-deny').map((s) => s.id);
  if (steps.length === 0) return [];
  const verdict = verdictFor(runbook, steps);
  const line = (name: string, detail: string, fix: string): Check => ({
    group: 'organization',
    name,
    verdict,
    detail,
    fix,
    steps,
    identity: 'org',
  });
  let organization;
  try {
    organization = await org.describeOrganization();
  } catch (err) {
    if (errorName(err) === 'AWSOrganizationsNotInUseException')
      return [
        line(
          'organization',
          `account ${targetAccountId} is not in an AWS organization: the SCP deny (${steps.join(', ')}) cannot be written`,
          'create an organization with all features (aws organizations create-organization --feature-set ALL) in the account that will manage it, then invite the workload account',
        ),
      ];
    return [
      line(
        'organization',
        `the organization cannot be read: ${formatError(err)}`,
        'pass --org-role-arn with a role of the management account (or a delegated administrator for SCPs) that may call organizations:DescribeOrganization',
      ),
    ];
  }
  const checks: Check[] = [];
  if (organization.featureSet !== 'ALL')
    checks.push(
      line(
        'all features',
        `organization ${organization.id} has only ${organization.featureSet}: it has no SCPs`,
        'aws organizations enable-all-features (from the management account; every member account must accept)',
      ),
    );
  const roots = await org.listRoots();
  for (const root of roots)
    checks.push(
      root.scpEnabled
        ? ready('organization', `SCP policy type on ${root.id}`, 'enabled', { steps, identity: 'org' })
        : line(
            `SCP policy type on ${root.id}`,
            'not enabled: no SCP can be attached in the organization',
            `aws organizations enable-policy-type --root-id ${root.id} --policy-type SERVICE_CONTROL_POLICY (from the management account)`,
          ),
    );
  if (targetAccountId === organization.managementAccountId)
    checks.push({
      ...line(
        `workload account ${targetAccountId}`,
        'is the management account: SCPs never restrict it, so the SCP deny does not apply (the bucket policy deny still does)',
        'keep workloads out of the management account: move the bucket to a member account',
      ),
      verdict: 'gap',
    });
  else if (await org.accountExists(targetAccountId))
    checks.push(
      ready('organization', `workload account ${targetAccountId}`, 'a member account: an SCP applies to it', {
        steps,
        identity: 'org',
      }),
    );
  else
    checks.push(
      line(
        `workload account ${targetAccountId}`,
        `is not a member of organization ${organization.id}`,
        `invite it: aws organizations invite-account-to-organization --target Id=${targetAccountId},Type=ACCOUNT (from the management account)`,
      ),
    );
  return checks;
}
