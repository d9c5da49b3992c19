import {
  DeleteInlinePolicyFromPermissionSetCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListInstancesCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  type PermissionSetProvisioningStatus,
} from '@aws-sdk/client-sso-admin';
import { callOf, type Call } from './call.js';
import { trackServerClock, type ServerClock } from './clock.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/**
 * IAM Identity Center's administration API (sso-admin), as far as containing a user or a
 * permission set's sessions needs it. It answers only in the organization's management account or
 * its delegated administrator: elsewhere its calls fail with AccessDeniedException, or
 * ListInstances finds no instance. Errors are AWS's own; the steps explain them.
 */

export interface IdcInstance {
  instanceArn: string;
  identityStoreId: string;
  ownerAccountId?: string;
}

export interface ProvisioningStatus {
  /** The provisioning's own id (DescribePermissionSetProvisioningStatus takes it), not the HTTP request id. */
  provisioningId: string;
  status: 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';
  failureReason?: string;
}

export type PrincipalType = 'USER' | 'GROUP';

export interface SsoAdminPort {
  /** AWS's clock as the latest sso-admin response gave it (its Date header). */
  serverClock(): ServerClock | undefined;
  listInstances(): Promise<IdcInstance[]>;
  /** ARNs of the permission sets provisioned to the account (each has a role AWSReservedSSO_<name>_<hash> there). */
  listPermissionSetsProvisionedToAccount(instanceArn: string, accountId: string): Promise<string[]>;
  /** The permission set's name. */
  describePermissionSetName(instanceArn: string, permissionSetArn: string): Promise<string>;
  /** ARNs of the permission sets assigned to the principal (a user, or a group) in the account. */
  listPermissionSetsAssigned(
    instanceArn: string,
    principalId: string,
    principalType: PrincipalType,
    accountId: string,
  ): Promise<string[]>;
  /** The permission set's inline policy (JSON text), or undefined when it has none. */
  getInlinePolicy(instanceArn: string, permissionSetArn: string): Promise<string | undefined>;
  putInlinePolicy(instanceArn: string, permissionSetArn: string, document: string): Promise<Call>;
  /** Only `drp restore` calls it: the permission set had no inline policy before drp gave it one. */
  deleteInlinePolicy(instanceArn: string, permissionSetArn: string): Promise<Call>;
  /** Applies the permission set's policies to its role in the account; asynchronous. */
  provisionToAccount(
    instanceArn: string,
    permissionSetArn: string,
    accountId: string,
  ): Promise<Call & ProvisioningStatus>;
  describeProvisioning(instanceArn: string, provisioningId: string): Promise<ProvisioningStatus>;
}

export function createSsoAdminClient(settings: AwsSettings, readOnly: boolean): SSOAdminClient {
  return instrument(new SSOAdminClient(clientOptions(settings)), readOnly);
}

const statusOf = (s: PermissionSetProvisioningStatus | undefined): ProvisioningStatus => ({
  provisioningId: s?.RequestId ?? '',
  status: s?.Status === 'FAILED' || s?.Status === 'SUCCEEDED' ? s.Status : 'IN_PROGRESS',
  ...(s?.FailureReason ? { failureReason: s.FailureReason } : {}),
});

export function createSsoAdminPort(client: SSOAdminClient): SsoAdminPort {
  const serverClock = trackServerClock(client);
  return {
    serverClock,

    async listInstances() {
      const instances: IdcInstance[] = [];
      let NextToken: string | undefined;
      do {
        const out = await client.send(new ListInstancesCommand({ NextToken }));
        for (const i of out.Instances ?? [])
          if (i.InstanceArn && i.IdentityStoreId)
            instances.push({
              instanceArn: i.InstanceArn,
              identityStoreId: i.IdentityStoreId,
              ...(i.OwnerAccountId ? { ownerAccountId: i.OwnerAccountId } : {}),
            });
        NextToken = out.NextToken;
      } while (NextToken);
      return instances;
    },

    async listPermissionSetsProvisionedToAccount(InstanceArn, AccountId) {
      const arns: string[] = [];
      let NextToken: string | undefined;
      do {
        const out = await client.send(
          new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn, AccountId, NextToken }),
        );
        arns.push(...(out.PermissionSets ?? []));
        NextToken = out.NextToken;
      } while (NextToken);
      return arns;
    },

    async describePermissionSetName(InstanceArn, PermissionSetArn) {
      const out = await client.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn }));
      return out.PermissionSet?.Name ?? '';
    },

    async listPermissionSetsAssigned(InstanceArn, PrincipalId, PrincipalType, AccountId) {
      const arns = new Set<string>();
      let NextToken: string | undefined;
      do {
        const out = await client.send(
          new ListAccountAssignmentsForPrincipalCommand({
            InstanceArn,
            PrincipalId,
            PrincipalType,
            Filter: { AccountId },
            NextToken,
          }),
        );
        for (const a of out.AccountAssignments ?? [])
          if (a.PermissionSetArn && a.AccountId === AccountId) arns.add(a.PermissionSetArn);
        NextToken = out.NextToken;
      } while (NextToken);
      return [...arns];
    },

    async getInlinePolicy(InstanceArn, PermissionSetArn) {
      const out = await client.send(
        new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn }),
      );
      // A permission set without one answers an empty string.
      return out.InlinePolicy ? out.InlinePolicy : undefined;
    },

    async putInlinePolicy(InstanceArn, PermissionSetArn, InlinePolicy) {
      return callOf(
        await client.send(
          new PutInlinePolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn, InlinePolicy }),
        ),
      );
    },

    async deleteInlinePolicy(InstanceArn, PermissionSetArn) {
      return callOf(
        await client.send(new DeleteInlinePolicyFromPermissionSetCommand({ InstanceArn, PermissionSetArn })),
      );
    },

    async provisionToAccount(InstanceArn, PermissionSetArn, TargetId) {
      const out = await client.send(
        new ProvisionPermissionSetCommand({
          InstanceArn,
          PermissionSetArn,
          TargetType: 'AWS_ACCOUNT',
          TargetId,
        }),
      );
      return { ...statusOf(out.PermissionSetProvisioningStatus), ...callOf(out) };
    },

    async describeProvisioning(InstanceArn, ProvisionPermissionSetRequestId) {
      const out = await client.send(
        new DescribePermissionSetProvisioningStatusCommand({ InstanceArn, ProvisionPermissionSetRequestId }),
      );
      return statusOf(out.PermissionSetProvisioningStatus);
    },
  };
}
