import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  OrganizationsClient,
  paginateListPolicies,
  paginateListRoots,
  paginateListTargetsForPolicy,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export const SCP = 'SERVICE_CONTROL_POLICY';

export interface Organization {
  id: string;
  /** The management account: SCPs never restrict it. */
  managementAccountId: string;
  /** ALL, or CONSOLIDATED_BILLING (which has no SCPs). */
  featureSet: string;
}

export interface OrgRoot {
  id: string;
  /** Whether the SCP policy type is enabled on this root. */
  scpEnabled: boolean;
}

export interface PolicyRef {
  id: string;
  name: string;
}

/**
 * Only what the SCP step needs. Errors are AWS's own (AWSOrganizationsNotInUseException,
 * AccessDeniedException, PolicyTypeNotEnabledException, ...): the step explains them.
 */
export interface OrganizationsPort {
  describeOrganization(): Promise<Organization>;
  listRoots(): Promise<OrgRoot[]>;
  accountExists(accountId: string): Promise<boolean>;
  organizationalUnitExists(ouId: string): Promise<boolean>;
  /** The SCP of that exact name, or undefined. */
  findScpByName(name: string): Promise<PolicyRef | undefined>;
  /** The policy's JSON content. */
  getPolicyContent(policyId: string): Promise<string>;
  /** Ids of the accounts, OUs and roots the policy is attached to. */
  listPolicyTargets(policyId: string): Promise<string[]>;
  createScp(name: string, description: string, content: string): Promise<Call & { policyId: string }>;
  updatePolicyContent(policyId: string, content: string): Promise<Call>;
  attachPolicy(policyId: string, targetId: string): Promise<Call>;
  /** `drp restore`: takes drp's SCP off the target it attached it to. */
  detachPolicy(policyId: string, targetId: string): Promise<Call>;
  /** Only `drp restore` calls it, and only for an SCP drp created (AWS refuses while it is attached). */
  deletePolicy(policyId: string): Promise<Call>;
}

export function createOrganizationsClient(settings: AwsSettings, readOnly: boolean): OrganizationsClient {
  return instrument(new OrganizationsClient(clientOptions(settings)), readOnly);
}

export function createOrganizationsPort(client: OrganizationsClient): OrganizationsPort {
  return {
    async describeOrganization() {
      const { Organization: org } = await client.send(new DescribeOrganizationCommand({}));
      return {
        id: org?.Id ?? '',
        managementAccountId: org?.MasterAccountId ?? '',
        featureSet: org?.FeatureSet ?? '',
      };
    },

    async listRoots() {
      const roots: OrgRoot[] = [];
      for await (const page of paginateListRoots({ client }, {})) {
        for (const r of page.Roots ?? []) {
          const scp = r.PolicyTypes?.find((t) => t.Type === SCP);
          roots.push({ id: r.Id ?? '', scpEnabled: scp?.Status === 'ENABLED' });
        }
      }
      return roots;
    },

    async accountExists(accountId) {
      try {
        await client.send(new DescribeAccountCommand({ AccountId: accountId }));
        return true;
      } catch (err) {
        if (isNotFound(err, 'AccountNotFoundException')) return false;
        throw err;
      }
    },

    async organizationalUnitExists(ouId) {
      try {
        await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }));
        return true;
      } catch (err) {
        if (isNotFound(err, 'OrganizationalUnitNotFoundException')) return false;
        throw err;
      }
    },

    async findScpByName(name) {
      for await (const page of paginateListPolicies({ client }, { Filter: SCP })) {
        const found = page.Policies?.find((p) => p.Name === name);
        if (found?.Id) return { id: found.Id, name };
      }
      return undefined;
    },

    async getPolicyContent(policyId) {
      const out = await client.send(new DescribePolicyCommand({ PolicyId: policyId }));
      return out.Policy?.Content ?? '';
    },

    async listPolicyTargets(policyId) {
      const ids: string[] = [];
      for await (const page of paginateListTargetsForPolicy({ client }, { PolicyId: policyId }))
        for (const t of page.Targets ?? []) if (t.TargetId) ids.push(t.TargetId);
      return ids;
    },

    async createScp(name, description, content) {
      const out = await client.send(
        new CreatePolicyCommand({ Name: name, Description: description, Type: SCP, Content: content }),
      );
      const policyId = out.Policy?.PolicySummary?.Id;
      if (!policyId) throw new Error(`Organizations.CreatePolicy returned no policy id for ${name}`);
      return { policyId, ...callOf(out) };
    },

    async updatePolicyContent(policyId, content) {
      return callOf(await client.send(new UpdatePolicyCommand({ PolicyId: policyId, Content: content })));
    },

    async attachPolicy(policyId, targetId) {
      return callOf(await client.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId })));
    },

    async detachPolicy(policyId, targetId) {
      return callOf(await client.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: targetId })));
    },

    // Removes an SCP drp created in this incident (the restore checks it did); never a policy it found.
    async deletePolicy(policyId) {
      return callOf(await client.send(new DeletePolicyCommand({ PolicyId: policyId })));
    },
  };
}
