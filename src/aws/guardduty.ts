import {
  GetDetectorCommand,
  GetFindingsCommand,
  GuardDutyClient,
  paginateListDetectors,
  paginateListFindings,
  type Finding,
  type FindingCriteria,
} from '@aws-sdk/client-guardduty';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { GUARDDUTY_GET_FINDINGS_MAX as GET_FINDINGS_MAX } from './service-limits.js';

export type { Finding as GuardDutyFinding } from '@aws-sdk/client-guardduty';

/** What export-guardduty-findings needs of a detector (GetDetector). */
export interface Detector {
  id: string;
  /** ENABLED, or DISABLED (suspended: it generates no findings). */
  status: string;
  /**
   * S3 Protection: the S3_DATA_EVENTS feature (or, on a detector that reports no features, the
   * older dataSources.s3Logs). Without it GuardDuty does not analyse object-level S3 API calls.
   */
  s3Protection: 'ENABLED' | 'DISABLED' | 'unknown';
}

/** The subjects a ListFindings search names, each matched by equality (values are ORed). */
export interface FindingSearch {
  bucketNames?: readonly string[];
  /** IAM user or role names: GuardDuty's resource.accessKeyDetails.userName holds either. */
  userNames?: readonly string[];
  accessKeyIds?: readonly string[];
  /** Only findings updated at or after this time. */
  updatedSince: Date;
}

export interface GuardDutyPort {
  /** The detector ids of this account and region (one at most, in practice). */
  listDetectors(): Promise<string[]>;
  getDetector(detectorId: string): Promise<Detector>;
  /** The ids of the findings that match, page by page (ListFindings, 50 a page). */
  listFindingIds(detectorId: string, search: FindingSearch): AsyncIterable<string[]>;
  /** GetFindings takes at most 50 ids: callers batch. */
  getFindings(detectorId: string, findingIds: readonly string[]): Promise<Finding[]>;
}

export function createGuardDutyClient(settings: AwsSettings, readOnly: boolean): GuardDutyClient {
  return instrument(new GuardDutyClient(clientOptions(settings)), readOnly);
}

/** ListFindings's criteria are ANDed: one search per subject kind, each with the time bound. */
export function criteriaOf(search: FindingSearch): FindingCriteria {
  const criterion: NonNullable<FindingCriteria['Criterion']> = {
    updatedAt: { GreaterThanOrEqual: search.updatedSince.getTime() },
  };
  if (search.bucketNames?.length)
    criterion['resource.s3BucketDetails.name'] = { Equals: [...search.bucketNames] };
  if (search.userNames?.length)
    criterion['resource.accessKeyDetails.userName'] = { Equals: [...search.userNames] };
  if (search.accessKeyIds?.length)
    criterion['resource.accessKeyDetails.accessKeyId'] = { Equals: [...search.accessKeyIds] };
  return { Criterion: criterion };
}

export function createGuardDutyPort(client: GuardDutyClient): GuardDutyPort {
  return {
    async listDetectors() {
      const ids: string[] = [];
      for await (const page of paginateListDetectors({ client }, {})) ids.push(...(page.DetectorIds ?? []));
      return ids;
    },

    async getDetector(detectorId) {
      const out = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
      const feature = out.Features?.find((f) => f.Name === 'S3_DATA_EVENTS');
      const legacy = out.DataSources?.S3Logs?.Status;
      const status = feature?.Status ?? legacy;
      return {
        id: detectorId,
        status: out.Status ?? 'DISABLED',
        s3Protection: status === 'ENABLED' || status === 'DISABLED' ? status : 'unknown',
      };
    },

    async *listFindingIds(detectorId, search) {
      const pages = paginateListFindings(
        { client },
        { DetectorId: detectorId, FindingCriteria: criteriaOf(search), MaxResults: 50 },
      );
      for await (const page of pages) yield page.FindingIds ?? [];
    },

    async getFindings(detectorId, findingIds) {
      if (findingIds.length > GET_FINDINGS_MAX)
        throw new RangeError(`GetFindings takes at most ${GET_FINDINGS_MAX} ids, not ${findingIds.length}`);
      const out = await client.send(
        new GetFindingsCommand({ DetectorId: detectorId, FindingIds: [...findingIds] }),
      );
      return out.Findings ?? [];
    },
  };
}
