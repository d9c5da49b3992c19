import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type AdvancedEventSelector,
  type EventSelector,
} from '@aws-sdk/client-cloudtrail';
import { callOf, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { isNotImplementedByEndpoint, isUnreachable, NotImplementedByEndpoint } from './unavailable.js';

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  multiRegion: boolean;
  organization: boolean;
  logFileValidation: boolean;
  includeGlobalServiceEvents: boolean;
  s3Bucket?: string;
  s3KeyPrefix?: string;
}

export interface TrailStatus {
  isLogging: boolean;
  latestDeliveryTime?: string;
  latestDeliveryError?: string;
}

export interface TrailSelectors {
  eventSelectors: EventSelector[];
  advancedEventSelectors: AdvancedEventSelector[];
}

export type LookupAttribute = 'ResourceName' | 'Username' | 'AccessKeyId';

export interface LookupPage {
  /** Each event as CloudTrail returns it, with CloudTrailEvent parsed. */
  events: Record<string, unknown>[];
  nextToken?: string;
}

export interface CloudTrailPort {
  /** Every trail this region sees, including other regions' multi-region (shadow) trails. */
  describeTrails(): Promise<Trail[]>;
  getTrailStatus(trailArn: string): Promise<TrailStatus>;
  getEventSelectors(trailArn: string): Promise<TrailSelectors>;
  startLogging(trailArn: string): Promise<Call>;
  enableLogFileValidation(trailArn: string): Promise<Call>;
  /**
   * One page of LookupEvents, paced to the API's 2 calls a second per account. Throws
   * NotImplementedByEndpoint when the endpoint does not implement it.
   */
  lookupEvents(
    attribute: LookupAttribute,
    value: string,
    window: { start: Date; end: Date },
    nextToken?: string,
  ): Promise<LookupPage>;
}

export function createCloudTrailClient(settings: AwsSettings, readOnly: boolean): CloudTrailClient {
  return instrument(new CloudTrailClient(clientOptions(settings)), readOnly);
}

/** LookupEvents is throttled at 2 TPS per account and region: drp stays under it rather than hitting it. */
export const LOOKUP_INTERVAL_MS = 500;

const parseEvent = (text: string | undefined): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
};

export function createCloudTrailPort(
  client: CloudTrailClient,
  { lookupIntervalMs = LOOKUP_INTERVAL_MS } = {},
): CloudTrailPort {
  let nextLookupAt = 0;
  const paceLookup = async () => {
    const wait = nextLookupAt - Date.now();
    nextLookupAt = Math.max(Date.now(), nextLookupAt) + lookupIntervalMs;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };

  return {
    async describeTrails() {
      const { trailList } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      return (trailList ?? []).map((t) => ({
        name: t.Name ?? '',
        arn: t.TrailARN ?? '',
        homeRegion: t.HomeRegion ?? '',
        multiRegion: t.IsMultiRegionTrail ?? false,
        organization: t.IsOrganizationTrail ?? false,
        logFileValidation: t.LogFileValidationEnabled ?? false,
        includeGlobalServiceEvents: t.IncludeGlobalServiceEvents ?? false,
        ...(t.S3BucketName ? { s3Bucket: t.S3BucketName } : {}),
        ...(t.S3KeyPrefix ? { s3KeyPrefix: t.S3KeyPrefix } : {}),
      }));
    },

    async getTrailStatus(trailArn) {
      const out = await client.send(new GetTrailStatusCommand({ Name: trailArn }));
      return {
        isLogging: out.IsLogging ?? false,
        ...(out.LatestDeliveryTime ? { latestDeliveryTime: out.LatestDeliveryTime.toISOString() } : {}),
        ...(out.LatestDeliveryError ? { latestDeliveryError: out.LatestDeliveryError } : {}),
      };
    },

    async getEventSelectors(trailArn) {
      const out = await client.send(new GetEventSelectorsCommand({ TrailName: trailArn }));
      return {
        eventSelectors: out.EventSelectors ?? [],
        advancedEventSelectors: out.AdvancedEventSelectors ?? [],
      };
    },

    async startLogging(trailArn) {
      return callOf(await client.send(new StartLoggingCommand({ Name: trailArn })));
    },

    async enableLogFileValidation(trailArn) {
      return callOf(
        await client.send(new UpdateTrailCommand({ Name: trailArn, EnableLogFileValidation: true })),
      );
    },

    async lookupEvents(attribute, value, window, nextToken) {
      await paceLookup();
      const out = await client
        .send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: attribute, AttributeValue: value }],
            StartTime: window.start,
            EndTime: window.end,
            MaxResults: 50,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        )
        .catch((err: unknown) => {
          // The step turns this into a note, so an endpoint that is down must stay a failure.
          if (!isNotImplementedByEndpoint(err) || isUnreachable(err)) throw err;
          throw new NotImplementedByEndpoint('CloudTrail', 'LookupEvents', err);
        });
      return {
        events: (out.Events ?? []).map((e) => ({ ...e, CloudTrailEvent: parseEvent(e.CloudTrailEvent) })),
        ...(out.NextToken ? { nextToken: out.NextToken } : {}),
      };
    },
  };
}
