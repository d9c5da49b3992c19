import {
  DescribeDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { readsFrom } from '../../../src/steps/personalize-imports.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto's Personalize has schemas only, no dataset import jobs: aws-sdk-client-mock here.
const personalize = mockClient(PersonalizeClient);
const JOB = (name: string) => `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${name}`;
const plan = () => step.plan(testContext({ aws: testPorts(true) }).ctx, { bucket: 'product-media-prod' });

function jobs(locations: Record<string, string>) {
  personalize.on(ListDatasetImportJobsCommand).resolves({
    datasetImportJobs: Object.keys(locations).map((name) => ({
      datasetImportJobArn: JOB(name),
      jobName: name,
    })),
  });
  for (const [name, dataLocation] of Object.entries(locations))
    personalize.on(DescribeDatasetImportJobCommand, { datasetImportJobArn: JOB(name) }).resolves({
      datasetImportJob: {
        jobName: name,
        datasetImportJobArn: JOB(name),
        dataSource: { dataLocation },
        status: 'ACTIVE',
        creationDateTime: new Date('2026-11-20T08:00:00Z'),
      },
    });
}

describe('personalize-imports', () => {
  beforeEach(() => personalize.reset());

  it('lists as findings the import jobs that read the leaked bucket, and only those', async () => {
    jobs({
      'items-nov': 's3://product-media-prod/personalize/items.csv',
      'users-nov': 's3://crm-exports/users.csv',
      lookalike: 's3://product-media-prod-archive/items.csv',
    });
    const p = await plan();
    expect(p.changes).toEqual([]);
    expect(p.observed).toMatchObject({ scanned: 3, jobs: [{ name: 'items-nov' }] });
    expect(p.notes).toEqual([
      expect.stringMatching(
        /^Personalize dataset import job items-nov \(.*items-nov, ACTIVE, 2026-11-20T08:00:00.000Z\) read s3:\/\/product-media-prod\/personalize\/items.csv: recommendations trained on it may carry manipulated metadata/,
      ),
    ]);
  });

  it('says so when no job read the bucket, and is not applicable when there are no jobs or no Personalize', async () => {
    jobs({ 'users-nov': 's3://crm-exports/users.csv' });
    expect((await plan()).notes).toEqual([
      'no Personalize dataset import job of the 1 in us-east-1 read s3://product-media-prod',
    ]);
    personalize.on(ListDatasetImportJobsCommand).resolves({ datasetImportJobs: [] });
    expect((await plan()).notApplicable).toBe('no Personalize dataset import job in us-east-1');
    personalize.on(ListDatasetImportJobsCommand).rejects(
      Object.assign(new Error('getaddrinfo ENOTFOUND personalize.ap-east-2.amazonaws.com'), {
        code: 'ENOTFOUND',
      }),
    );
    expect((await plan()).notApplicable).toMatch(/^Amazon Personalize is not available here: .*unreachable/);
  });

  it('matches the bucket itself, never a bucket whose name starts the same', () => {
    expect(readsFrom('s3://media', 'media')).toBe(true);
    expect(readsFrom('s3://media/', 'media')).toBe(true);
    expect(readsFrom('s3://media-old/x.csv', 'media')).toBe(false);
    expect(readsFrom(undefined, 'media')).toBe(false);
  });
});
