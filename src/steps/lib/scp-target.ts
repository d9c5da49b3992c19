import type { OrgRoot } from '../../aws/organizations.js';
import { UserError } from '../../errors.js';
import type { StepContext } from '../define.js';

export const describeTarget = (target: string) =>
  target.startsWith('ou-')
    ? `OU ${target}`
    : target.startsWith('r-')
      ? `root ${target}`
      : `account ${target}`;

/** A target that does not exist in the organization is the operator's to fix: exit 2, nothing changed. */
export async function checkTarget(ctx: StepContext, target: string, roots: OrgRoot[]): Promise<void> {
  const org = ctx.aws.organizations;
  const exists = target.startsWith('r-')
    ? roots.some((r) => r.id === target)
    : target.startsWith('ou-')
      ? await org.organizationalUnitExists(target)
      : target === ctx.caller.accountId || (await org.accountExists(target));
  if (!exists)
    throw new UserError(
      `--scp-target ${target}: no such ${describeTarget(target).split(' ')[0]} in this organization`,
    );
}

/** (A management account as the target is not a note: the step is not applicable there, see org-scp-deny.) */
export function targetNotes(target: string, managementAccountId: string): string[] {
  if (target.startsWith('r-'))
    return [
      `attached to the root: it restricts every member account, never the management account (${managementAccountId})`,
    ];
  return [];
}

/**
 * An SCP limits what principals of member accounts may call; it never stops a caller outside the
 * organization, nor an unauthenticated one: a public API stage, or a function URL with auth type
 * NONE, keeps answering the internet (AWS Organizations User Guide, "Service control policies":
 * SCPs do not affect resource-based policies' grants to principals outside the organization).
 */
export function endpointNotes(p: { functions: string[]; apis: string[] }): string[] {
  if (!p.functions.length && !p.apis.length) return [];
  return [
    `the SCP stops the organization's own principals from calling or changing these functions and APIs; it does not stop callers outside the organization or unauthenticated ones: a public API stage or a function URL with auth type NONE keeps serving until it is isolated itself (the lambda-isolate and apigateway-isolate steps)`,
  ];
}
