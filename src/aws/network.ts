import {
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  paginateListVersionsByFunction,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { unqualifiedFunctionArn } from '../names.js';
import { callOf, isNotFound, present, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/**
 * What network isolation needs: a function's VPC configuration (Lambda) and the isolation security
 * group of its VPC (EC2). One port over both clients, named by what it does, so that the EC2 and
 * Lambda ports other steps use stay theirs.
 */

/** The tag that marks drp's isolation group in a VPC (one per VPC, reused by every incident). */
export const ISOLATION_TAG = 'drp:isolation';
export const ISOLATION_GROUP_NAME = 'drp-isolation';

export interface FunctionNetwork {
  name: string;
  /** The unqualified function ARN ($LATEST: the only configuration that can change). */
  arn: string;
  /** Pending, Active, Inactive, Failed. */
  state?: string;
  /** InProgress while an update is applied; Successful or Failed after. */
  lastUpdateStatus?: string;
  lastUpdateReason?: string;
  revisionId?: string;
  /** Absent: the function is not connected to a VPC. */
  vpcId?: string;
  subnetIds: string[];
  securityGroupIds: string[];
  ipv6AllowedForDualStack?: boolean;
}

export interface PublishedVersion {
  version: string;
  securityGroupIds: string[];
}

export interface IsolationGroup {
  id: string;
  vpcId: string;
  name: string;
  ingressRules: number;
  /** Each outbound rule, as text ("all traffic to 0.0.0.0/0"). */
  egress: string[];
  /** True when the only outbound rules are the allow-all ones AWS adds to a new group. */
  onlyDefaultEgress: boolean;
}

export interface VpcSettings {
  subnetIds: string[];
  securityGroupIds: string[];
  ipv6AllowedForDualStack?: boolean;
}

export interface NetworkPort {
  /** undefined when there is no such function. */
  getFunctionNetwork(functionName: string): Promise<FunctionNetwork | undefined>;
  /** Published versions connected to a VPC: their configuration is immutable. */
  listPublishedVersions(functionName: string): Promise<PublishedVersion[]>;
  /** UpdateFunctionConfiguration of the VPC settings only, refused if the function changed since revisionId. */
  setFunctionVpc(functionName: string, vpc: VpcSettings, revisionId?: string): Promise<Call>;
  /** drp's isolation group in the VPC (tagged drp:isolation), when there is one. */
  findIsolationGroup(vpcId: string): Promise<IsolationGroup | undefined>;
  /** A new group in the VPC, tagged at creation; it still has AWS's default outbound rule. */
  createIsolationGroup(vpcId: string, incidentId: string): Promise<Call & { groupId: string }>;
  /**
   * Revokes the default allow-all outbound rules of drp's isolation group, after checking the
   * group carries drp's tag and has no other rule: never another group's, never another rule.
   */
  closeIsolationGroup(groupId: string): Promise<Call[]>;
}

export function createNetworkClients(settings: AwsSettings, readOnly: boolean) {
  return {
    ec2: instrument(new EC2Client(clientOptions(settings)), readOnly),
    lambda: instrument(new LambdaClient(clientOptions(settings)), readOnly),
  };
}

function networkOf(c: FunctionConfiguration, fallbackName: string): FunctionNetwork {
  const vpc = c.VpcConfig;
  return {
    name: c.FunctionName ?? fallbackName,
    arn: unqualifiedFunctionArn(c.FunctionArn ?? fallbackName),
    subnetIds: vpc?.SubnetIds ?? [],
    securityGroupIds: vpc?.SecurityGroupIds ?? [],
    ...present({
      state: c.State,
      lastUpdateStatus: c.LastUpdateStatus,
      lastUpdateReason: c.LastUpdateStatusReason,
      revisionId: c.RevisionId,
      vpcId: vpc?.VpcId || undefined,
      ipv6AllowedForDualStack: vpc?.Ipv6AllowedForDualStack,
    }),
  };
}

const ALL = ['0.0.0.0/0'];
const ALL_V6 = ['::/0'];
/** AWS's default outbound rule of a new group: every protocol to anywhere (IPv4, and IPv6 in a dual-stack VPC). */
function isDefaultEgress(p: IpPermission): boolean {
  const v4 = (p.IpRanges ?? []).map((r) => r.CidrIp);
  const v6 = (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6);
  return (
    p.IpProtocol === '-1' &&
    !p.UserIdGroupPairs?.length &&
    !p.PrefixListIds?.length &&
    (v4.length || v6.length) > 0 &&
    v4.every((c) => ALL.includes(c ?? '')) &&
    v6.every((c) => ALL_V6.includes(c ?? ''))
  );
}

function describeRule(p: IpPermission): string {
  const protocol =
    p.IpProtocol === '-1' ? 'all traffic' : `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''}`;
  const to = [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId),
  ].join(', ');
  return `${protocol} to ${to}`;
}

const isTagged = (g: SecurityGroup) => (g.Tags ?? []).some((t) => t.Key === ISOLATION_TAG);

function groupOf(g: SecurityGroup): IsolationGroup {
  const egress = g.IpPermissionsEgress ?? [];
  return {
    id: g.GroupId ?? '',
    vpcId: g.VpcId ?? '',
    name: g.GroupName ?? '',
    ingressRules: (g.IpPermissions ?? []).length,
    egress: egress.map(describeRule),
    onlyDefaultEgress: egress.every(isDefaultEgress),
  };
}

export function createNetworkPort({ ec2, lambda }: ReturnType<typeof createNetworkClients>): NetworkPort {
  const describeGroup = async (groupId: string) => {
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );
    const group = SecurityGroups[0];
    if (!group) throw new Error(`EC2.DescribeSecurityGroups: no security group ${groupId}`);
    return group;
  };

  return {
    async getFunctionNetwork(functionName) {
      try {
        const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
        return networkOf(out, functionName);
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async listPublishedVersions(functionName) {
      const versions: PublishedVersion[] = [];
      for await (const page of paginateListVersionsByFunction(
        { client: lambda },
        { FunctionName: functionName },
      ))
        for (const v of page.Versions ?? [])
          if (v.Version && v.Version !== '$LATEST' && v.VpcConfig?.VpcId)
            versions.push({ version: v.Version, securityGroupIds: v.VpcConfig.SecurityGroupIds ?? [] });
      return versions;
    },

    async setFunctionVpc(functionName, vpc, revisionId) {
      return callOf(
        await lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: functionName,
            // Both lists: VpcConfig replaces the whole configuration, and a function given no
            // subnets would leave its VPC (and reach the internet through Lambda's own network).
            VpcConfig: {
              SubnetIds: vpc.subnetIds,
              SecurityGroupIds: vpc.securityGroupIds,
              ...(vpc.ipv6AllowedForDualStack !== undefined
                ? { Ipv6AllowedForDualStack: vpc.ipv6AllowedForDualStack }
                : {}),
            },
            ...(revisionId ? { RevisionId: revisionId } : {}),
          }),
        ),
      );
    },

    async findIsolationGroup(vpcId) {
      const { SecurityGroups = [] } = await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'tag-key', Values: [ISOLATION_TAG] },
          ],
        }),
      );
      const ours = SecurityGroups.filter(isTagged).sort((a, b) =>
        (a.GroupId ?? '').localeCompare(b.GroupId ?? ''),
      );
      return ours[0] ? groupOf(ours[0]) : undefined;
    },

    async createIsolationGroup(vpcId, incidentId) {
      const out = await ec2.send(
        new CreateSecurityGroupCommand({
          VpcId: vpcId,
          GroupName: ISOLATION_GROUP_NAME,
          Description: 'drp network-isolate: no inbound and no outbound rule. Kept by drp restore.',
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: [
                { Key: ISOLATION_TAG, Value: 'no-inbound-no-outbound' },
                { Key: 'drp:incident', Value: incidentId },
                { Key: 'Name', Value: ISOLATION_GROUP_NAME },
              ],
            },
          ],
        }),
      );
      if (!out.GroupId) throw new Error(`EC2.CreateSecurityGroup returned no group id in ${vpcId}`);
      return { ...callOf(out), groupId: out.GroupId };
    },

    async closeIsolationGroup(groupId) {
      const group = await describeGroup(groupId);
      if (!isTagged(group))
        throw new Error(
          `security group ${groupId} is not drp's isolation group (no ${ISOLATION_TAG} tag): not changed`,
        );
      const egress = group.IpPermissionsEgress ?? [];
      if (group.IpPermissions?.length || !egress.every(isDefaultEgress))
        throw new Error(
          `isolation group ${groupId} has rules drp did not expect (${groupOf(group).egress.join('; ') || 'inbound rules'}): not changed`,
        );
      const calls: Call[] = [];
      if (egress.length) {
        const out = await ec2.send(
          new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: egress }),
        );
        // EC2 answers a rule it did not match with success and UnknownIpPermissions, not an error.
        if (out.Return === false || out.UnknownIpPermissions?.length)
          throw new Error(`EC2.RevokeSecurityGroupEgress left outbound rules of ${groupId} in place`);
        calls.push(callOf(out));
      }
      const after = await describeGroup(groupId);
      if (after.IpPermissionsEgress?.length || after.IpPermissions?.length)
        throw new Error(
          `isolation group ${groupId} still has rules after they were revoked: ${groupOf(after).egress.join('; ')}`,
        );
      return calls;
    },
  };
}
