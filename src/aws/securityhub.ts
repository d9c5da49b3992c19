import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  DescribeHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type WorkflowStatus,
} from '@aws-sdk/client-securityhub';
import { callOf, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { isHubDisabled, SECURITYHUB_IMPORT_MAX as IMPORT_MAX } from './service-limits.js';

export type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/** One finding as drp reads it back: enough to keep CreatedAt and to see the workflow status. */
export interface HubFinding {
  id: string;
  productArn: string;
  createdAt?: string;
  updatedAt?: string;
  workflowStatus?: string;
  recordState?: string;
}

export interface ImportFailure {
  id: string;
  errorCode: string;
  errorMessage: string;
}

export interface SecurityHubPort {
  /**
   * The hub's ARN, or undefined when Security Hub is not enabled in this account and region
   * (DescribeHub's InvalidAccessException: "Account is not subscribed to AWS Security Hub").
   */
  describeHub(): Promise<string | undefined>;
  /** The finding of this product and id, or undefined. */
  getFinding(productArn: string, id: string): Promise<HubFinding | undefined>;
  /**
   * BatchImportFindings of at most 100 findings. A 200 answer can still refuse some of them
   * (FailedFindings): they are returned, for the caller to treat as the failure they are.
   */
  importFindings(findings: AwsSecurityFinding[]): Promise<Call & { failed: ImportFailure[] }>;
  /** BatchUpdateFindings: the workflow status and a note on one finding (drp restore). */
  updateWorkflow(
    finding: { productArn: string; id: string },
    status: WorkflowStatus,
    note: { text: string; updatedBy: string },
  ): Promise<Call & { unprocessed?: string }>;
}

export function createSecurityHubClient(settings: AwsSettings, readOnly: boolean): SecurityHubClient {
  return instrument(new SecurityHubClient(clientOptions(settings)), readOnly);
}

export function createSecurityHubPort(client: SecurityHubClient): SecurityHubPort {
  return {
    async describeHub() {
      try {
        return (await client.send(new DescribeHubCommand({}))).HubArn ?? 'hub';
      } catch (err) {
        if (isHubDisabled(err)) return undefined;
        throw err;
      }
    },

    async getFinding(productArn, id) {
      const out = await client.send(
        new GetFindingsCommand({
          Filters: {
            Id: [{ Value: id, Comparison: 'EQUALS' }],
            ProductArn: [{ Value: productArn, Comparison: 'EQUALS' }],
          },
        }),
      );
      // Matched again here: an endpoint that ignores the filters must not hand back another finding.
      const f = (out.Findings ?? []).find((x) => x.Id === id && x.ProductArn === productArn);
      if (!f) return undefined;
      return {
        id,
        productArn,
        ...(f.CreatedAt ? { createdAt: f.CreatedAt } : {}),
        ...(f.UpdatedAt ? { updatedAt: f.UpdatedAt } : {}),
        ...(f.Workflow?.Status ? { workflowStatus: f.Workflow.Status } : {}),
        ...(f.RecordState ? { recordState: f.RecordState } : {}),
      };
    },

    async importFindings(findings) {
      if (findings.length > IMPORT_MAX)
        throw new RangeError(
          `BatchImportFindings takes at most ${IMPORT_MAX} findings, not ${findings.length}`,
        );
      const out = await client.send(new BatchImportFindingsCommand({ Findings: findings }));
      return {
        ...callOf(out),
        failed: (out.FailedFindings ?? []).map((f) => ({
          id: f.Id ?? '',
          errorCode: f.ErrorCode ?? 'unknown',
          errorMessage: f.ErrorMessage ?? '',
        })),
      };
    },

    async updateWorkflow(finding, status, note) {
      const out = await client.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: finding.id, ProductArn: finding.productArn }],
          Workflow: { Status: status },
          Note: { Text: note.text, UpdatedBy: note.updatedBy },
        }),
      );
      const refused = out.UnprocessedFindings?.[0];
      return {
        ...callOf(out),
        ...(refused ? { unprocessed: `${refused.ErrorCode ?? 'error'}: ${refused.ErrorMessage ?? ''}` } : {}),
      };
    },
  };
}
