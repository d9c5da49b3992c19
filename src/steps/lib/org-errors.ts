/** A failure of the SCP step that drp finds itself (before or instead of AWS): a code and what to do. */
export class ScpError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export interface OrgFacts {
  callerAccountId: string;
  managementAccountId?: string;
  target?: string;
  rootId?: string;
}

const enableScps = (rootId = 'ROOT_ID') =>
  `from the management account run "aws organizations enable-policy-type --root-id ${rootId} --policy-type SERVICE_CONTROL_POLICY", then run drp again (the steps already done report nothing-to-do)`;

export const scpNotEnabled = (rootId: string) =>
  new ScpError(
    'PolicyTypeNotEnabled',
    `service control policies are not enabled in this organization (root ${rootId}): ${enableScps(rootId)}`,
  );

function hintFor(code: string, facts: OrgFacts): string | undefined {
  switch (code) {
    case 'AWSOrganizationsNotInUseException':
      return `Account ${facts.callerAccountId} is not in an AWS Organization, so no SCP can be set; the other containment steps do not depend on this one. If the account belongs to an organization, run drp with credentials of its management account (or of a delegated administrator for Organizations policies).`;
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `SCPs are managed from the organization's management account${
        facts.managementAccountId ? ` (${facts.managementAccountId})` : ''
      } or a delegated administrator for Organizations policies; the caller is in account ${facts.callerAccountId}. Run drp there with organizations:ListPolicies, DescribePolicy, CreatePolicy, UpdatePolicy, ListTargetsForPolicy and AttachPolicy.`;
    case 'PolicyTypeNotEnabledException':
      return `Service control policies are not enabled: ${enableScps(facts.rootId)}.`;
    case 'ConstraintViolationException':
      return `An Organizations quota was reached (at most 5 SCPs attached to one target, 1,000 SCPs per organization): detach an SCP you no longer need from ${facts.target ?? 'the target'}, or choose another --scp-target, then run again.`;
    case 'TargetNotFoundException':
      return `--scp-target ${facts.target ?? ''} is not in this organization: give an account id, OU id (ou-...) or root id (r-...) of it.`;
    case 'MalformedPolicyDocumentException':
      return 'AWS rejected the SCP document: check the --function and --api ARNs.';
    default:
      return undefined;
  }
}

/**
 * An Organizations error with what to do appended, keeping AWS's error code, the operation and
 * the request id (formatError and the journal read those), and the original as its cause.
 */
export function explainOrgError(err: unknown, facts: OrgFacts): unknown {
  if (!(err instanceof Error) || err instanceof ScpError) return err;
  const hint = hintFor(err.name, facts);
  if (!hint) return err;
  const explained = new Error(`${err.message.replace(/\.?\s*$/, '.')} ${hint}`, { cause: err });
  explained.name = err.name;
  const { drpOperation, $metadata } = err as { drpOperation?: string; $metadata?: unknown };
  return Object.assign(explained, drpOperation ? { drpOperation } : {}, $metadata ? { $metadata } : {});
}
