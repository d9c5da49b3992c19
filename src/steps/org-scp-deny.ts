import * as z from 'zod';
import { isUserError } from '../errors.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { BucketName, ExecuteApiArn, LambdaFunctionArn, OrgTargetId } from '../names.js';
import { plural } from '../text.js';
import { explainOrgError, ScpError, scpNotEnabled, type OrgFacts } from './lib/org-errors.js';
import restore from './org-scp-deny.restore.js';
import { partitionOf, sameContent, SCP_MAX_CHARS, scpDocument, scpName } from './lib/scp-document.js';
import { checkTarget, describeTarget, endpointNotes, targetNotes } from './lib/scp-target.js';

export interface Observed {
  policyName: string;
  /** null: drp's SCP for this incident did not exist. */
  policyId: string | null;
  /** Its content before this step, for a restore. */
  content: string | null;
  /** Whether it was already attached to the target. */
  attached: boolean;
  target: string;
  managementAccountId: string;
  rootId: string;
}

const Params = z
  .object({
    bucket: BucketName.describe('The bucket the SCP denies (s3:* on it and its objects)'),
    functions: z
      .array(LambdaFunctionArn)
      .default([])
      .describe('Lambda function ARNs the SCP denies (lambda:*, with their versions and aliases)'),
    apis: z
      .array(ExecuteApiArn)
      .default([])
      .describe(
        'API Gateway execute-api ARNs the SCP denies (execute-api:*; a bare API id covers all its stages)',
      ),
    scpTarget: z
      .union([OrgTargetId, z.literal('')])
      .optional()
      .describe(
        'Account id, OU id (ou-...) or root id (r-...) the SCP is attached to; absent or empty: the workload account (the bucket owner)',
      ),
  })
  .strict();
type Params = z.output<typeof Params>;

export { scpName } from './lib/scp-document.js';

/** A plan that cannot apply here: no SCP would have any effect, so none is made (outcome not-applicable). */
function notApplicable(name: string, target: string, facts: OrgFacts, reason: string) {
  const observed: Observed = {
    policyName: name,
    policyId: null,
    content: null,
    attached: false,
    target,
    managementAccountId: facts.managementAccountId ?? '',
    rootId: facts.rootId ?? '',
  };
  return { observed, changes: [], notApplicable: reason };
}
// The workload account by default: the one the leaked bucket is in, not the organization's own
// account drp reaches Organizations through (which SCPs never restrict anyway).
const targetOf = (ctx: StepContext, p: Params) => p.scpTarget || ctx.identities.target.accountId;

function desiredContent(ctx: StepContext, p: Params): string {
  return JSON.stringify(
    scpDocument({
      partition: partitionOf(ctx.caller.principalArn),
      bucket: p.bucket,
      functions: p.functions,
      apis: p.apis,
      exemptPrincipals: ctx.exemptPrincipals,
    }),
  );
}

function denySummary(p: Params, ctx: StepContext, content: string): string {
  const parts = [`s3:* on s3://${p.bucket}`];
  if (p.functions.length) parts.push(`lambda:* on ${plural(p.functions.length, 'function')}`);
  if (p.apis.length) parts.push(`execute-api:* on ${plural(p.apis.length, 'API')}`);
  return `deny ${parts.join(', ')}, except ${plural(ctx.exemptPrincipals.length, 'exempt principal')} (${content.length.toLocaleString('en-US')} of ${SCP_MAX_CHARS.toLocaleString('en-US')} characters)`;
}

export default defineStep({
  type: 'org-scp-deny',
  summary:
    'Create or update the service control policy drp-<incident> denying the leaked bucket, functions and APIs to all but the exempt principals, and attach it to the target',
  params: Params,
  // Organizations answers only the management account or a delegated administrator: --org-role-arn.
  identity: 'org',
  permissions: [
    'organizations:DescribeOrganization',
    'organizations:ListRoots',
    'organizations:DescribeAccount',
    'organizations:DescribeOrganizationalUnit',
    'organizations:ListPolicies',
    'organizations:DescribePolicy',
    'organizations:ListTargetsForPolicy',
    'organizations:CreatePolicy',
    'organizations:UpdatePolicy',
    'organizations:AttachPolicy',
  ],
  example: {
    bucket: 'product-media-prod',
    functions: ['arn:aws:lambda:us-east-1:123456789012:function:media-resizer'],
    apis: ['arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/media/*'],
    scpTarget: 'ou-ab12-34cd56ef',
  },

  async plan(ctx, p) {
    const name = scpName(ctx.incidentId);
    const target = targetOf(ctx, p);
    const content = desiredContent(ctx, p);
    // Checked before any call: AWS would refuse it only at apply, after the other changes.
    if (content.length > SCP_MAX_CHARS)
      throw new ScpError(
        'ScpTooLarge',
        `the SCP would be ${content.length.toLocaleString('en-US')} characters; AWS allows ${SCP_MAX_CHARS.toLocaleString('en-US')}. Name fewer --function/--api ARNs (a wildcard such as arn:aws:lambda:REGION:ACCOUNT:function:media-* covers many) or fewer --exempt-principal.`,
      );
    const facts: OrgFacts = { callerAccountId: ctx.caller.accountId, target };
    const org = ctx.aws.organizations;
    try {
      const organization = await org.describeOrganization();
      facts.managementAccountId = organization.managementAccountId;
      // AWS Organizations User Guide: "SCPs don't affect users or roles in the management account."
      if (target === organization.managementAccountId)
        return notApplicable(
          name,
          target,
          facts,
          `account ${target} is the organization's management account, which SCPs never restrict: an SCP attached to it would have no effect. The bucket policy deny and the IAM steps contain it; move workloads out of the management account, or pass --scp-target for member accounts or OUs`,
        );
      if (organization.featureSet !== 'ALL')
        throw new ScpError(
          'AllFeaturesNotEnabled',
          `organization ${organization.id} has only consolidated billing features, which have no SCPs: enable all features ("aws organizations enable-all-features", then every member account accepts), then run again`,
        );
      const roots = await org.listRoots();
      const root = roots[0];
      facts.rootId = root?.id;
      if (!root?.scpEnabled) throw scpNotEnabled(root?.id ?? 'ROOT_ID');
      await checkTarget(ctx, target, roots);
      const existing = await org.findScpByName(name);
      const current = existing ? await org.getPolicyContent(existing.id) : null;
      const attached = existing ? (await org.listPolicyTargets(existing.id)).includes(target) : false;
      const observed: Observed = {
        policyName: name,
        policyId: existing?.id ?? null,
        content: current,
        attached,
        target,
        managementAccountId: organization.managementAccountId,
        rootId: root.id,
      };
      const changes: Change[] = [];
      if (!existing)
        changes.push({ action: 'create-scp', target: `SCP ${name}`, detail: denySummary(p, ctx, content) });
      else if (!sameContent(current, content))
        changes.push({
          action: 'update-scp',
          target: `SCP ${name} (${existing.id})`,
          detail: denySummary(p, ctx, content),
        });
      if (!attached)
        changes.push({ action: 'attach-scp', target: describeTarget(target), detail: `SCP ${name}` });
      const notes = [...targetNotes(target, organization.managementAccountId), ...endpointNotes(p)];
      return { observed, changes, ...(notes.length ? { notes } : {}) };
    } catch (err) {
      // DescribeOrganization answers this (HTTP 404) to an account outside any organization.
      if ((err as Error).name === 'AWSOrganizationsNotInUseException')
        return notApplicable(
          name,
          target,
          facts,
          `account ${ctx.caller.accountId} is not in an AWS Organization, so no SCP applies to it; the bucket policy deny and the IAM steps contain the leak (if the account does belong to an organization, run drp with credentials that can read it)`,
        );
      throw isUserError(err) ? err : explainOrgError(err, facts);
    }
  },

  async apply(ctx, p, plan) {
    const { observed } = plan;
    const content = desiredContent(ctx, p);
    const facts: OrgFacts = {
      callerAccountId: ctx.caller.accountId,
      managementAccountId: observed.managementAccountId,
      target: observed.target,
      rootId: observed.rootId,
    };
    const org = ctx.aws.organizations;
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const notes: string[] = [];
    let policyId = observed.policyId;
    const record = (requestId: string | undefined, change: Change) => {
      if (requestId) requestIds.push(requestId);
      changes.push(change);
    };
    try {
      if (!policyId) {
        const created = await org.createScp(
          observed.policyName,
          `drp containment, incident ${ctx.incidentId}: deny the leaked resources to all but the responders`,
          content,
        );
        policyId = created.policyId;
        record(created.requestId, {
          action: 'create-scp',
          target: `SCP ${observed.policyName} (${policyId})`,
          detail: denySummary(p, ctx, content),
        });
      } else if (!sameContent(observed.content, content)) {
        const call = await org.updatePolicyContent(policyId, content);
        record(call.requestId, {
          action: 'update-scp',
          target: `SCP ${observed.policyName} (${policyId})`,
          detail: denySummary(p, ctx, content),
        });
      }
      if (!observed.attached) {
        try {
          const call = await org.attachPolicy(policyId, observed.target);
          record(call.requestId, {
            action: 'attach-scp',
            target: describeTarget(observed.target),
            detail: `SCP ${observed.policyName} (${policyId})`,
          });
        } catch (err) {
          // Attached since the plan was made (another responder): the goal is met.
          if ((err as Error).name !== 'DuplicatePolicyAttachmentException') throw err;
          notes.push(`SCP ${observed.policyName} was already attached to ${describeTarget(observed.target)}`);
        }
      }
    } catch (err) {
      throw new StepFailure(
        { changes, requestIds, data: { policyId, target: observed.target } },
        { cause: explainOrgError(err, facts) },
      );
    }
    return {
      changes,
      requestIds,
      data: { policyId, policyName: observed.policyName, target: observed.target, content },
      ...(notes.length ? { notes } : {}),
    };
  },

  restore,
});
