import {
  DescribeDatasetImportJobCommand,
  paginateListDatasetImportJobs,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { present } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface DatasetImportJob {
  arn: string;
  name: string;
  datasetArn?: string;
  /** s3://bucket/key or s3://bucket/prefix/: where the job read its records. */
  dataLocation?: string;
  status?: string;
  created?: string;
  lastUpdated?: string;
}

/** Read-only: which Personalize datasets were imported from where. */
export interface PersonalizePort {
  /** Every dataset import job of the account in the region (ARNs and names). */
  listDatasetImportJobs(): Promise<{ arn: string; name: string }[]>;
  describeDatasetImportJob(arn: string): Promise<DatasetImportJob>;
}

export function createPersonalizeClient(settings: AwsSettings, readOnly: boolean): PersonalizeClient {
  return instrument(new PersonalizeClient(clientOptions(settings)), readOnly);
}

export function createPersonalizePort(client: PersonalizeClient): PersonalizePort {
  return {
    async listDatasetImportJobs() {
      const jobs: { arn: string; name: string }[] = [];
      // Without a datasetArn, Personalize lists the import jobs of every dataset in the account.
      for await (const page of paginateListDatasetImportJobs({ client, pageSize: 100 }, {}))
        for (const j of page.datasetImportJobs ?? [])
          if (j.datasetImportJobArn) jobs.push({ arn: j.datasetImportJobArn, name: j.jobName ?? '' });
      return jobs;
    },

    async describeDatasetImportJob(arn) {
      const { datasetImportJob: j } = await client.send(
        new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn }),
      );
      return {
        arn,
        name: j?.jobName ?? '',
        ...present({
          datasetArn: j?.datasetArn,
          dataLocation: j?.dataSource?.dataLocation,
          status: j?.status,
          created: j?.creationDateTime?.toISOString(),
          lastUpdated: j?.lastUpdatedDateTime?.toISOString(),
        }),
      };
    },
  };
}
