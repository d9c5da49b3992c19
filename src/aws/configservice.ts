import {
  ConfigServiceClient,
  DeleteConfigRuleCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  PutConfigRuleCommand,
  type ConfigRule,
  type RecordingGroup,
} from '@aws-sdk/client-config-service';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/** A configuration recorder, with what it records: a managed rule evaluates only recorded resource types. */
export interface ConfigRecorder {
  name: string;
  recording: boolean;
  /** A recorder an AWS service created for itself (servicePrincipal), not the account's own. */
  serviceLinked: boolean;
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  resourceTypes: string[];
  excludedResourceTypes: string[];
}

/** An AWS Config rule as drp compares and restores it. */
export interface ConfigRuleState {
  name: string;
  /** A managed rule's identifier (IAM_USER_MFA_ENABLED), or a custom rule's Lambda ARN. */
  sourceIdentifier: string;
  owner: string;
  /** InputParameters, parsed (managed rules take a JSON object of strings). */
  inputParameters: Record<string, string>;
  complianceResourceTypes: string[];
  maximumExecutionFrequency?: string;
  state?: string;
  arn?: string;
}

/** What drp puts: a managed rule (Owner AWS), its scope or frequency, and drp's tags. */
export interface ManagedRuleInput {
  name: string;
  identifier: string;
  description: string;
  inputParameters: Record<string, string>;
  complianceResourceTypes: string[];
  maximumExecutionFrequency?: 'TwentyFour_Hours';
  tags: Record<string, string>;
}

export interface ConfigServicePort {
  /** Every configuration recorder of the region with its status; [] when there is none. */
  describeRecorders(): Promise<ConfigRecorder[]>;
  /** Every Config rule of the region (all pages). */
  describeRules(): Promise<ConfigRuleState[]>;
  /** The rule of that name, or undefined (NoSuchConfigRuleException). */
  describeRule(name: string): Promise<ConfigRuleState | undefined>;
  putManagedRule(rule: ManagedRuleInput): Promise<Call>;
  /** Only `drp restore` calls it, for a rule the harden run created (it was absent before). */
  deleteRule(name: string): Promise<Call>;
}

export function createConfigServiceClient(settings: AwsSettings, readOnly: boolean): ConfigServiceClient {
  return instrument(new ConfigServiceClient(clientOptions(settings)), readOnly);
}

function parameters(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    // A rule someone else made with parameters drp cannot read: compared as text.
    return { '(unparsed)': text };
  }
}

const toRule = (r: ConfigRule): ConfigRuleState => ({
  name: r.ConfigRuleName ?? '',
  sourceIdentifier: r.Source?.SourceIdentifier ?? '',
  owner: r.Source?.Owner ?? '',
  inputParameters: parameters(r.InputParameters),
  complianceResourceTypes: r.Scope?.ComplianceResourceTypes ?? [],
  ...(r.MaximumExecutionFrequency ? { maximumExecutionFrequency: r.MaximumExecutionFrequency } : {}),
  ...(r.ConfigRuleState ? { state: r.ConfigRuleState } : {}),
  ...(r.ConfigRuleArn ? { arn: r.ConfigRuleArn } : {}),
});

const recorded = (group: RecordingGroup | undefined) => ({
  allSupported: group?.allSupported ?? false,
  includeGlobalResourceTypes: group?.includeGlobalResourceTypes ?? false,
  resourceTypes: (group?.resourceTypes ?? []).map(String),
  excludedResourceTypes: (group?.exclusionByResourceTypes?.resourceTypes ?? []).map(String),
});

export function createConfigServicePort(client: ConfigServiceClient): ConfigServicePort {
  return {
    async describeRecorders() {
      const [recorders, statuses] = await Promise.all([
        client.send(new DescribeConfigurationRecordersCommand({})),
        client.send(new DescribeConfigurationRecorderStatusCommand({})),
      ]);
      return (recorders.ConfigurationRecorders ?? []).map((r) => {
        const status = statuses.ConfigurationRecordersStatus?.find((s) => s.name === r.name);
        return {
          name: r.name ?? '',
          recording: status?.recording ?? false,
          serviceLinked: Boolean(r.servicePrincipal),
          ...recorded(r.recordingGroup),
        };
      });
    },

    async describeRules() {
      const rules: ConfigRuleState[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new DescribeConfigRulesCommand({ NextToken: token }));
        rules.push(...(out.ConfigRules ?? []).map(toRule));
        token = out.NextToken;
      } while (token);
      return rules;
    },

    async describeRule(name) {
      try {
        const out = await client.send(new DescribeConfigRulesCommand({ ConfigRuleNames: [name] }));
        const rule = out.ConfigRules?.[0];
        return rule ? toRule(rule) : undefined;
      } catch (err) {
        if (isNotFound(err, 'NoSuchConfigRuleException')) return undefined;
        throw err;
      }
    },

    async putManagedRule(rule) {
      return callOf(
        await client.send(
          new PutConfigRuleCommand({
            ConfigRule: {
              ConfigRuleName: rule.name,
              Description: rule.description,
              Source: { Owner: 'AWS', SourceIdentifier: rule.identifier },
              ...(Object.keys(rule.inputParameters).length
                ? { InputParameters: JSON.stringify(rule.inputParameters) }
                : {}),
              ...(rule.complianceResourceTypes.length
                ? { Scope: { ComplianceResourceTypes: rule.complianceResourceTypes } }
                : {}),
              ...(rule.maximumExecutionFrequency
                ? { MaximumExecutionFrequency: rule.maximumExecutionFrequency }
                : {}),
            },
            Tags: Object.entries(rule.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    },

    // Removes a rule the harden run created (the restore checks it was absent before and is drp's).
    async deleteRule(name) {
      return callOf(await client.send(new DeleteConfigRuleCommand({ ConfigRuleName: name })));
    },
  };
}
