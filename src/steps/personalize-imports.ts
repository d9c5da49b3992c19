import * as z from 'zod';
import type { DatasetImportJob } from '../aws/personalize.js';
import { isNotImplementedByEndpoint, NotImplementedByEndpoint } from '../aws/unavailable.js';
import { BucketName } from '../names.js';
import { defineStep } from './define.js';

export interface Observed {
  bucket: string;
  /** Import jobs whose data source is in the bucket. */
  jobs: DatasetImportJob[];
  /** How many import jobs the account has in the region. */
  scanned: number;
}

/** Describing each job is one call: past this many, the plan says how many it did not read. */
const MAX_JOBS = 500;

/** s3://bucket, s3://bucket/ or s3://bucket/anything: the bucket itself, not bucket-other. */
export const readsFrom = (dataLocation: string | undefined, bucket: string) =>
  dataLocation !== undefined &&
  (dataLocation === `s3://${bucket}` || dataLocation.startsWith(`s3://${bucket}/`));

const finding = (bucket: string, j: DatasetImportJob) =>
  `Personalize dataset import job ${j.name} (${j.arn}, ${j.status ?? 'status unknown'}${j.created ? `, ${j.created}` : ''}) ` +
  `read ${j.dataLocation}: recommendations trained on it may carry manipulated metadata. Check those records against ` +
  `the scan's findings (drp scan --bucket ${bucket}); once the data is clean, import it again and train a new solution ` +
  `version for the campaigns, and until then filter the affected items out of recommendations`;

export default defineStep({
  type: 'personalize-imports',
  summary:
    'List the Amazon Personalize dataset import jobs whose data source is the leaked bucket, as findings (recommendations may carry manipulated metadata); reads only',
  params: z.object({ bucket: BucketName.describe('The leaked bucket') }).strict(),
  permissions: ['personalize:ListDatasetImportJobs', 'personalize:DescribeDatasetImportJob'],
  example: { bucket: 'product-media-prod' },

  async plan(ctx, { bucket }) {
    const observed: Observed = { bucket, jobs: [], scanned: 0 };
    let listed: { arn: string }[];
    try {
      listed = await ctx.aws.personalize.listDatasetImportJobs();
    } catch (err) {
      if (!isNotImplementedByEndpoint(err)) throw err;
      return {
        observed,
        changes: [],
        notApplicable: `Amazon Personalize is not available here: ${new NotImplementedByEndpoint('Personalize', 'ListDatasetImportJobs', err).message}`,
      };
    }
    observed.scanned = listed.length;
    if (listed.length === 0)
      return { observed, changes: [], notApplicable: `no Personalize dataset import job in ${ctx.region}` };
    for (const { arn } of listed.slice(0, MAX_JOBS)) {
      const job = await ctx.aws.personalize.describeDatasetImportJob(arn);
      if (readsFrom(job.dataLocation, bucket)) observed.jobs.push(job);
    }
    const notes = observed.jobs.map((j) => finding(bucket, j));
    if (listed.length > MAX_JOBS)
      notes.push(
        `${listed.length - MAX_JOBS} of ${listed.length} dataset import jobs were not read (the first ${MAX_JOBS} were): aws personalize list-dataset-import-jobs lists them all`,
      );
    if (observed.jobs.length === 0)
      notes.push(
        `no Personalize dataset import job of the ${listed.length} in ${ctx.region} read s3://${bucket}`,
      );
    return { observed, changes: [], notes };
  },

  // Read-only: the plan's findings are all it has to say.
  async apply() {
    return { changes: [], requestIds: [] };
  },
});
