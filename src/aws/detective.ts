import {
  DetectiveClient,
  GetInvestigationCommand,
  ListIndicatorsCommand,
  paginateListGraphs,
  StartInvestigationCommand,
} from '@aws-sdk/client-detective';
import { callOf, present, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface Investigation {
  graphArn: string;
  investigationId: string;
  entityArn: string;
  entityType?: string;
  /** RUNNING, FAILED or SUCCESSFUL. */
  status: string;
  severity?: string;
  state?: string;
  createdTime?: string;
  scopeStartTime?: string;
  scopeEndTime?: string;
}

/** One indicator of compromise, as Detective gives it (its detail is kept whole, as evidence). */
export interface Indicator {
  type?: string;
  detail?: unknown;
}

export interface DetectivePort {
  /** The ARNs of the behavior graphs this account administers in the region. */
  listGraphs(): Promise<string[]>;
  startInvestigation(
    graphArn: string,
    entityArn: string,
    scope: { start: Date; end: Date },
  ): Promise<Call & { investigationId: string }>;
  getInvestigation(graphArn: string, investigationId: string): Promise<Investigation>;
  /** Every indicator of the investigation, up to `max`. */
  listIndicators(graphArn: string, investigationId: string, max: number): Promise<Indicator[]>;
}

export function createDetectiveClient(settings: AwsSettings, readOnly: boolean): DetectiveClient {
  return instrument(new DetectiveClient(clientOptions(settings)), readOnly);
}

export function createDetectivePort(client: DetectiveClient): DetectivePort {
  return {
    async listGraphs() {
      const arns: string[] = [];
      for await (const page of paginateListGraphs({ client }, {}))
        for (const g of page.GraphList ?? []) if (g.Arn) arns.push(g.Arn);
      return arns;
    },

    async startInvestigation(graphArn, entityArn, scope) {
      const out = await client.send(
        new StartInvestigationCommand({
          GraphArn: graphArn,
          EntityArn: entityArn,
          ScopeStartTime: scope.start,
          ScopeEndTime: scope.end,
        }),
      );
      if (!out.InvestigationId)
        throw new Error(`Detective.StartInvestigation returned no id for ${entityArn}`);
      return { ...callOf(out), investigationId: out.InvestigationId };
    },

    async getInvestigation(graphArn, investigationId) {
      const out = await client.send(
        new GetInvestigationCommand({ GraphArn: graphArn, InvestigationId: investigationId }),
      );
      return {
        graphArn,
        investigationId,
        entityArn: out.EntityArn ?? '',
        status: out.Status ?? 'RUNNING',
        ...present({
          entityType: out.EntityType,
          severity: out.Severity,
          state: out.State,
          createdTime: out.CreatedTime?.toISOString(),
          scopeStartTime: out.ScopeStartTime?.toISOString(),
          scopeEndTime: out.ScopeEndTime?.toISOString(),
        }),
      };
    },

    async listIndicators(graphArn, investigationId, max) {
      const indicators: Indicator[] = [];
      let token: string | undefined;
      do {
        // The SDK has no paginator for ListIndicators: NextToken by hand.
        const page = await client.send(
          new ListIndicatorsCommand({
            GraphArn: graphArn,
            InvestigationId: investigationId,
            MaxResults: 100,
            NextToken: token,
          }),
        );
        for (const i of page.Indicators ?? []) {
          indicators.push(present({ type: i.IndicatorType, detail: i.IndicatorDetail }));
          if (indicators.length >= max) return indicators;
        }
        token = page.NextToken;
      } while (token);
      return indicators;
    },
  };
}
