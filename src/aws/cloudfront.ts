import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetInvalidationCommand,
  paginateListDistributions,
  paginateListInvalidations,
} from '@aws-sdk/client-cloudfront';
import { callOf, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface DistributionOrigin {
  id: string;
  domainName: string;
  /** The origin path CloudFront prefixes to every request ('' when none). */
  originPath: string;
}

export interface Distribution {
  id: string;
  domainName: string;
  enabled: boolean;
  origins: DistributionOrigin[];
}

export interface Invalidation {
  id: string;
  /** InProgress or Completed. */
  status: string;
  paths: string[];
  callerReference: string;
}

/** What cloudfront-invalidate needs: the account's distributions, and invalidations of their caches. */
export interface CloudFrontPort {
  listDistributions(): Promise<Distribution[]>;
  /**
   * CloudFront keeps one invalidation per CallerReference and distribution: the same reference with
   * the same paths returns the first invalidation instead of making a second one (a retried call
   * is safe); with other paths it answers InvalidationBatchAlreadyExists.
   */
  createInvalidation(
    distributionId: string,
    paths: string[],
    callerReference: string,
  ): Promise<Call & { invalidationId: string; status: string }>;
  getInvalidation(distributionId: string, invalidationId: string): Promise<Invalidation>;
  listInvalidations(distributionId: string): Promise<{ id: string; status: string }[]>;
}

// CloudFront is a global service whose API is signed for us-east-1, whatever the run's region.
export function createCloudFrontClient(settings: AwsSettings, readOnly: boolean): CloudFrontClient {
  return instrument(new CloudFrontClient(clientOptions({ ...settings, region: 'us-east-1' })), readOnly);
}

export function createCloudFrontPort(client: CloudFrontClient): CloudFrontPort {
  return {
    async listDistributions() {
      const found: Distribution[] = [];
      for await (const page of paginateListDistributions({ client }, {}))
        for (const d of page.DistributionList?.Items ?? [])
          found.push({
            id: d.Id ?? '',
            domainName: d.DomainName ?? '',
            enabled: d.Enabled ?? false,
            origins: (d.Origins?.Items ?? []).map((o) => ({
              id: o.Id ?? '',
              domainName: o.DomainName ?? '',
              originPath: o.OriginPath ?? '',
            })),
          });
      return found;
    },

    async createInvalidation(distributionId, paths, callerReference) {
      const out = await client.send(
        new CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: {
            Paths: { Quantity: paths.length, Items: paths },
            CallerReference: callerReference,
          },
        }),
      );
      const id = out.Invalidation?.Id;
      if (!id)
        throw new Error(`CloudFront.CreateInvalidation returned no invalidation id for ${distributionId}`);
      return { invalidationId: id, status: out.Invalidation?.Status ?? '', ...callOf(out) };
    },

    async getInvalidation(distributionId, invalidationId) {
      const out = await client.send(
        new GetInvalidationCommand({ DistributionId: distributionId, Id: invalidationId }),
      );
      const i = out.Invalidation;
      return {
        id: i?.Id ?? invalidationId,
        status: i?.Status ?? '',
        paths: i?.InvalidationBatch?.Paths?.Items ?? [],
        callerReference: i?.InvalidationBatch?.CallerReference ?? '',
      };
    },

    async listInvalidations(distributionId) {
      const found: { id: string; status: string }[] = [];
      for await (const page of paginateListInvalidations({ client }, { DistributionId: distributionId }))
        for (const i of page.InvalidationList?.Items ?? [])
          found.push({ id: i.Id ?? '', status: i.Status ?? '' });
      return found;
    },
  };
}
